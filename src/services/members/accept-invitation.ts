import { and, eq, gt, sql } from "drizzle-orm";
import { tenantMembers, tenants, users } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { AppError, notFound, unauthorized } from "../../lib/errors";
import { hashPassword, passwordProblem, verifyPassword } from "../../lib/password";
import { tenantOfToken } from "../../lib/tenant-token";
import { authResult, openSession, type AuthResult } from "../auth/sessions";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";

/**
 * Joins a workspace with an invitation token. A new person sets their password here; someone who
 * already has an account must prove it with their password, so a leaked link cannot sign anyone in.
 */
export async function acceptInvitation({ ctx, input }: { ctx: ServiceContext; input: { token: string; password: string; name?: string; kind?: "api" | "web" } }): Promise<AuthResult> {
  const tenantId = tenantOfToken("inv", input.token);
  if (!tenantId) throw notFound("Invitation");
  const tokenHash = await sha256Hex(input.token);
  const invite = await ctx.db.scoped({ tenantId }, async (tx) => {
    const [row] = await tx
      .select({ id: tenantMembers.id, userId: tenantMembers.userId, role: tenantMembers.role, tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status } })
      .from(tenantMembers)
      .innerJoin(tenants, eq(tenants.id, tenantMembers.tenantId))
      .where(and(eq(tenantMembers.inviteTokenHash, tokenHash), eq(tenantMembers.status, "invited"), gt(tenantMembers.inviteExpiresAt, sql`now()`)));
    if (!row) return undefined;
    await tx.execute(sql`select set_config('app.user_id', ${row.userId}, true)`);
    const [user] = await tx.select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash }).from(users).where(eq(users.id, row.userId));
    return user ? { ...row, user } : undefined;
  });
  if (!invite) throw notFound("Invitation");

  const { user } = invite;
  let newHash: string | undefined;
  if (user.passwordHash) {
    if (!(await verifyPassword(input.password, user.passwordHash))) throw unauthorized("Wrong password for this account");
  } else {
    const weak = passwordProblem(input.password, user.email);
    if (weak) throw new AppError("VALIDATION_FAILED", weak, { field: "password" });
    newHash = await hashPassword(input.password);
  }

  return ctx.db.scoped({ tenantId, userId: user.id }, async (tx) => {
    // Claim the invitation atomically: a second concurrent accept finds it already used.
    const claimed = await tx
      .update(tenantMembers)
      .set({ status: "active", inviteTokenHash: null, inviteExpiresAt: null, updatedAt: sql`now()` })
      .where(and(eq(tenantMembers.id, invite.id), eq(tenantMembers.status, "invited")))
      .returning({ id: tenantMembers.id });
    if (claimed.length === 0) throw notFound("Invitation");
    const name = user.name ?? input.name?.trim() ?? null;
    if (newHash) await tx.update(users).set({ passwordHash: newHash, name, updatedAt: sql`now()` }).where(eq(users.id, user.id));
    const session = await openSession(tx, ctx, { tenantId, userId: user.id, kind: input.kind ?? "api" });
    await recordAudit(tx, ctx, { tenantId, actorType: "user", actorId: user.id, action: "member.joined", entityType: "member", entityId: invite.id, data: { role: invite.role } });
    return authResult(ctx, { user: { id: user.id, email: user.email, name }, tenant: invite.tenant, role: invite.role, ...session });
  });
}
