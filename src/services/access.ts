import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Tx } from "../db/client";
import { apiKeys, refreshTokenFamilies, refreshTokens, tenantMembers, tenants, type Role } from "../db/schema";
import { AppError, forbidden, unauthorized } from "../lib/errors";
import type { ServiceContext } from "./context";
import { recordSecretFailure } from "./auth/throttle";
import { roleAllows, type Permission } from "./permissions";

export interface TenantInfo {
  id: string;
  slug: string;
  name: string;
  status: "active" | "suspended";
}

/** The resolved actor inside a tenant transaction, re-read from the database on every call. */
export type Principal =
  | { type: "user"; userId: string; sessionId: string; role: Role; tenant: TenantInfo }
  | { type: "apiKey"; apiKeyId: string; scopes: string[]; tenant: TenantInfo }
  /** Parley itself acting for a tenant: queue consumers, Durable Objects, verified webhooks. */
  | { type: "system"; name: string; tenant: TenantInfo };

/**
 * The one way into a tenant's data. Opens a transaction scoped by RLS to the tenant, then re-checks the
 * credential against current state — membership, role, session not revoked, key not revoked, tenant not
 * suspended — so a removed member or revoked key loses access on the very next request, reads included.
 *
 * @example
 *   const contact = await withTenant(ctx, "contacts:read", (tx) => findContact(tx, id));
 */
export async function withTenant<T>(
  ctx: ServiceContext,
  permission: Permission | null,
  fn: (tx: Tx, principal: Principal) => Promise<T>,
): Promise<T> {
  const tenantId = ctx.tenantId;
  if (!tenantId) throw unauthorized();
  const userId = ctx.actor.type === "user" ? ctx.actor.userId : undefined;
  let unknownKey = false;
  try {
    return await ctx.db.scoped({ tenantId, userId }, async (tx) => {
      const principal = await resolvePrincipal(tx, ctx, tenantId);
      if (!principal) {
        unknownKey = ctx.actor.type === "apiKey";
        throw unauthorized("Credentials are no longer valid");
      }
    if (principal.tenant.status === "suspended") throw new AppError("TENANT_SUSPENDED", "This workspace is suspended");
      if (permission && !allows(principal, permission)) throw forbidden();
      return fn(tx, principal);
    });
  } catch (err) {
    // A wrong API key is a failed secret check: it counts against the source's failure budget
    // (after the transaction, which must not wait on a remote call).
    if (unknownKey) await recordSecretFailure(ctx);
    throw err;
  }
}

export function allows(principal: Principal, permission: Permission): boolean {
  if (principal.type === "system") return true;
  return principal.type === "user" ? roleAllows(principal.role, permission) : principal.scopes.includes(permission);
}

const tenantColumns = { id: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status };

async function resolvePrincipal(tx: Tx, ctx: ServiceContext, tenantId: string): Promise<Principal | undefined> {
  const actor = ctx.actor;
  const liveFamily = and(isNull(refreshTokenFamilies.revokedAt), gt(refreshTokenFamilies.expiresAt, sql`now()`));
  if (actor.type === "user" || actor.type === "webSession") {
    const [row] = await tx
      .select({ tenant: tenantColumns, role: tenantMembers.role, userId: tenantMembers.userId, sessionId: refreshTokenFamilies.id })
      .from(refreshTokenFamilies)
      .innerJoin(tenants, eq(tenants.id, refreshTokenFamilies.tenantId))
      .innerJoin(tenantMembers, and(eq(tenantMembers.tenantId, tenants.id), eq(tenantMembers.userId, refreshTokenFamilies.userId), eq(tenantMembers.status, "active")))
      .where(
        and(
          eq(refreshTokenFamilies.tenantId, tenantId),
          liveFamily,
          actor.type === "user"
            ? and(eq(refreshTokenFamilies.id, actor.sessionId), eq(refreshTokenFamilies.userId, actor.userId))
            : and(
                eq(refreshTokenFamilies.kind, "web"),
                sql`exists (select 1 from ${refreshTokens} where ${refreshTokens.familyId} = ${refreshTokenFamilies.id}
                  and ${refreshTokens.tokenHash} = ${actor.tokenHash} and ${refreshTokens.rotatedAt} is null)`,
              ),
        ),
      )
      .limit(1);
    if (!row) return undefined;
    // A web session learns its user only now; expose it to RLS for the rest of the transaction.
    if (actor.type === "webSession") await tx.execute(sql`select set_config('app.user_id', ${row.userId}, true)`);
    return { type: "user", userId: row.userId, sessionId: row.sessionId, role: row.role, tenant: row.tenant };
  }
  if (actor.type === "apiKey") {
    const [row] = await tx
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .from(tenants)
      .where(
        and(
          eq(apiKeys.keyHash, actor.keyHash),
          eq(apiKeys.tenantId, tenantId),
          eq(tenants.id, apiKeys.tenantId),
          isNull(apiKeys.revokedAt),
          or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)),
          // A key lives no longer than its maker's membership (removal also revokes it; this holds
          // for keys made before that rule, and if a revoke was ever missed).
          sql`(${apiKeys.createdBy} is null or exists (select 1 from ${tenantMembers} m
            where m.tenant_id = ${apiKeys.tenantId} and m.user_id = ${apiKeys.createdBy} and m.status = 'active'))`,
        ),
      )
      .returning({ id: apiKeys.id, scopes: apiKeys.scopes, tenant: tenantColumns });
    if (!row) return undefined;
    return { type: "apiKey", apiKeyId: row.id, scopes: row.scopes, tenant: row.tenant };
  }
  if (actor.type === "system") {
    const [tenant] = await tx.select(tenantColumns).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
    return tenant ? { type: "system", name: actor.name, tenant } : undefined;
  }
  return undefined;
}

export function actorRef(principal: Principal): { actorType: string; actorId: string } {
  if (principal.type === "user") return { actorType: "user", actorId: principal.userId };
  if (principal.type === "apiKey") return { actorType: "api_key", actorId: principal.apiKeyId };
  return { actorType: "system", actorId: principal.name };
}
