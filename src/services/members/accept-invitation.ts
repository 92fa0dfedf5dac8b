import { and, eq, gt, sql } from "drizzle-orm";
import { tenantMembers, tenants, users } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { AppError, notFound, unauthorized } from "../../lib/errors";
import { hashPassword, passwordProblem } from "../../lib/password";
import { tenantOfToken } from "../../lib/tenant-token";
import { withTenant } from "../access";
import { authResult, openSession, type AuthResult } from "../auth/sessions";
import { recordSecretFailure, throttleInvitationAccept } from "../auth/throttle";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";

export interface AcceptInvitationInput {
  token: string;
  /** Only for a new account, which sets its password here. Ignored for an existing account. */
  password?: string;
  name?: string;
  kind?: "api" | "web";
}

/** The one answer for "the invited account exists and you are not signed in as it". */
export const SIGN_IN_TO_ACCEPT = "This invitation is for an existing account: sign in to it, then accept the invitation";

/**
 * Joins a workspace with an invitation token. A new person sets their password here. Someone who
 * already has an account accepts by being signed in as that account (a bearer access token, or the web
 * session): the invitation never takes that account's password, because whoever holds the token (any
 * workspace owner can invite any email) could otherwise use it to guess the password.
 */
export async function acceptInvitation({ ctx, input }: { ctx: ServiceContext; input: AcceptInvitationInput }): Promise<AuthResult> {
  await throttleInvitationAccept(ctx);
  const tenantId = tenantOfToken("inv", input.token);
  if (!tenantId) return invalid(ctx);
  const tokenHash = await sha256Hex(input.token);
  const invite = await ctx.db.scoped({ tenantId }, async (tx) => {
    const [row] = await tx
      .select({ id: tenantMembers.id, userId: tenantMembers.userId, role: tenantMembers.role, tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status } })
      .from(tenantMembers)
      .innerJoin(tenants, eq(tenants.id, tenantMembers.tenantId))
      .where(and(eq(tenantMembers.inviteTokenHash, tokenHash), eq(tenantMembers.status, "invited"), gt(tenantMembers.inviteExpiresAt, sql`now()`)));
    if (!row) return undefined;
    await tx.execute(sql`select set_config('app.user_id', ${row.userId}, true)`);
    const [user] = await tx.select({ id: users.id, email: users.email, name: users.name, hasPassword: sql<boolean>`${users.passwordHash} is not null` }).from(users).where(eq(users.id, row.userId));
    return user ? { ...row, user } : undefined;
  });
  if (!invite) return invalid(ctx);

  const { user } = invite;
  let newHash: string | undefined;
  if (user.hasPassword) {
    if ((await signedInUserId(ctx)) !== user.id) throw unauthorized(SIGN_IN_TO_ACCEPT);
  } else {
    if (!input.password) throw new AppError("VALIDATION_FAILED", "password: Choose a password for your new account", { field: "password" });
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

/** An unknown, used or expired invitation token is a failed secret check like any other. */
async function invalid(ctx: ServiceContext): Promise<never> {
  await recordSecretFailure(ctx);
  throw notFound("Invitation");
}

/**
 * The user the request is signed in as (bearer access token or web session, in whichever workspace),
 * re-checked against live sessions like any request; undefined when it is not signed in or its
 * session is gone. API keys are no one's sign-in.
 */
async function signedInUserId(ctx: ServiceContext): Promise<string | undefined> {
  if (ctx.actor.type !== "user" && ctx.actor.type !== "webSession") return undefined;
  try {
    return await withTenant(ctx, null, async (_tx, p) => (p.type === "user" ? p.userId : undefined));
  } catch (err) {
    if (err instanceof AppError && (err.code === "UNAUTHORIZED" || err.code === "TENANT_SUSPENDED")) return undefined;
    throw err;
  }
}
