import { and, asc, eq, sql } from "drizzle-orm";
import { tenantMembers, tenants, users } from "../../db/schema";
import { AppError, unauthorized } from "../../lib/errors";
import { verifyPassword } from "../../lib/password";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { authResult, openSession, type AuthResult } from "./sessions";
import { recordAccountFailure, slowAccount, throttleLogin } from "./throttle";

export interface LoginInput {
  email: string;
  password: string;
  /** Workspace slug; the user's oldest membership when absent. */
  tenant?: string;
  kind?: "api" | "web";
}

const BAD_CREDENTIALS = "Invalid email or password";

export async function login({ ctx, input }: { ctx: ServiceContext; input: LoginInput }): Promise<AuthResult> {
  const email = input.email.trim().toLowerCase();
  // Per IP and per IP + account, never per account alone: a stranger must not be able to lock anyone out.
  await throttleLogin(ctx, email);
  await slowAccount(ctx, email);

  const user = await ctx.db.scoped({ loginEmail: email }, async (tx) => {
    const [row] = await tx
      .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.email, email))
      .limit(1);
    return row;
  });
  // verifyPassword spends the full KDF even for unknown emails, so timing does not reveal accounts.
  const ok = await verifyPassword(input.password, user?.passwordHash ?? null);
  if (!user || !ok) {
    await recordAccountFailure(ctx, email);
    throw unauthorized(BAD_CREDENTIALS);
  }

  return ctx.db.scoped({ userId: user.id }, async (tx) => {
    // Memberships are readable here through the self-read policy; no tenant is set yet.
    const memberships = await tx
      .select({ tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status }, role: tenantMembers.role })
      .from(tenantMembers)
      .innerJoin(tenants, eq(tenants.id, tenantMembers.tenantId))
      .where(and(eq(tenantMembers.userId, user.id), eq(tenantMembers.status, "active")))
      .orderBy(asc(tenantMembers.createdAt));
    const chosen = input.tenant ? memberships.find((m) => m.tenant.slug === input.tenant) : memberships[0];
    // Same answer for "no such workspace" and "not a member": don't reveal which workspaces exist.
    if (!chosen) throw unauthorized(BAD_CREDENTIALS);
    if (chosen.tenant.status === "suspended") throw new AppError("TENANT_SUSPENDED", "This workspace is suspended");

    await tx.execute(sql`select set_config('app.tenant_id', ${chosen.tenant.id}, true)`);
    await tx.update(users).set({ lastLoginAt: sql`now()` }).where(eq(users.id, user.id));
    const session = await openSession(tx, ctx, { tenantId: chosen.tenant.id, userId: user.id, kind: input.kind ?? "api" });
    await recordAudit(tx, ctx, {
      tenantId: chosen.tenant.id,
      actorType: "user",
      actorId: user.id,
      action: "session.created",
      entityType: "session",
      entityId: session.sessionId,
      data: { kind: input.kind ?? "api" },
    });
    return authResult(ctx, { user: { id: user.id, email: user.email, name: user.name }, tenant: chosen.tenant, role: chosen.role, ...session });
  });
}
