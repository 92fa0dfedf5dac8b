/**
 * `withTenant` for reads in one round trip. The credential check is a statement in the same
 * non-interactive transaction as the reads, right after the scope settings, and it is the check that
 * decides what the reads can see: it re-sets `app.tenant_id` to the tenant only when the credential is
 * live (session not revoked or expired, member active, key not revoked, tenant not suspended) and
 * allows the permission, and to '' otherwise — so RLS fails closed for every statement after it, and
 * what they return is thrown away anyway. The same rules as access.ts's `resolvePrincipal`, in SQL.
 *
 * @example
 *   const { results: [rows] } = await readTenant(ctx, "conversations:read", (db) => [db.select().from(conversations).limit(50)] as const);
 */
import { sql, type SQL } from "drizzle-orm";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { HttpDb } from "../db/client";
import { PERMISSIONS, type Permission } from "./permissions";
import { AppError, forbidden, unauthorized } from "../lib/errors";
import type { Principal, TenantInfo } from "./access";
import { recordSecretFailure } from "./auth/throttle";
import type { ServiceContext } from "./context";

interface GateRow extends Record<string, unknown> {
  tenant_id: string | null;
  slug: string | null;
  name: string | null;
  status: TenantInfo["status"] | null;
  role: string | null;
  user_id: string | null;
  session_id: string | null;
  key_id: string | null;
  scopes: string[] | null;
  allowed: boolean | null;
  /** The tenant the statements after the gate see: the tenant, or '' (nothing). */
  scope_tenant: string;
}

/** Postgres array literal of plain words (role names, scopes): no quoting needed, none accepted. */
const words = (xs: readonly string[]) => {
  for (const x of xs) if (!/^[a-z_:]+$/.test(x)) throw new Error(`not a plain word: ${x}`);
  return `{${xs.join(",")}}`;
};

/**
 * One row always (the `left join` on a one-row relation), so the `set_config` calls run whether or
 * not the credential matched: a miss sets '' and fails closed.
 */
function gate(ctx: ServiceContext, tenantId: string, permission: Permission | null): SQL {
  const actor = ctx.actor;
  const finish = (p: SQL, allowed: SQL) => sql`
    with p as (${p}),
    a as (select p.*, (p.status = 'active' and ${allowed}) as allowed from p)
    select a.*, set_config('app.tenant_id', coalesce((select a.tenant_id::text from a where a.allowed), ''), true) as scope_tenant,
      set_config('app.user_id', coalesce((select a.user_id::text from a where a.allowed), ''), true) as scope_user
    from (select 1) one left join a on true`;
  const roles = permission ? words(PERMISSIONS[permission]) : null;
  if (actor.type === "user" || actor.type === "webSession") {
    const which =
      actor.type === "user"
        ? sql`f.id = ${actor.sessionId}::uuid and f.user_id = ${actor.userId}::uuid`
        : sql`f.kind = 'web' and exists (select 1 from refresh_tokens r where r.family_id = f.id and r.token_hash = ${actor.tokenHash} and r.rotated_at is null)`;
    return finish(
      sql`select t.id as tenant_id, t.slug, t.name, t.status, m.role::text as role, m.user_id, f.id as session_id, null::uuid as key_id, null::text[] as scopes
        from refresh_token_families f
        join tenants t on t.id = f.tenant_id
        join tenant_members m on m.tenant_id = t.id and m.user_id = f.user_id and m.status = 'active'
        where f.tenant_id = ${tenantId}::uuid and f.revoked_at is null and f.expires_at > now() and ${which}
        limit 1`,
      roles ? sql`p.role = any(${roles}::text[])` : sql`true`,
    );
  }
  if (actor.type === "apiKey") {
    return finish(
      sql`update api_keys k set last_used_at = now() from tenants t
        where k.key_hash = ${actor.keyHash} and k.tenant_id = ${tenantId}::uuid and t.id = k.tenant_id and k.revoked_at is null
          and (k.expires_at is null or k.expires_at > now())
          and (k.created_by is null or exists (select 1 from tenant_members m where m.tenant_id = k.tenant_id and m.user_id = k.created_by and m.status = 'active'))
        returning t.id as tenant_id, t.slug, t.name, t.status, null::text as role, null::uuid as user_id, null::uuid as session_id, k.id as key_id, k.scopes`,
      permission ? sql`${permission} = any(p.scopes)` : sql`true`,
    );
  }
  if (actor.type === "system") {
    return finish(
      sql`select t.id as tenant_id, t.slug, t.name, t.status, null::text as role, null::uuid as user_id, null::uuid as session_id, null::uuid as key_id, null::text[] as scopes
        from tenants t where t.id = ${tenantId}::uuid`,
      sql`true`,
    );
  }
  // No actor: a gate that matches nothing.
  return finish(sql`select null::uuid as tenant_id, null::text as slug, null::text as name, null::text as status, null::text as role,
    null::uuid as user_id, null::uuid as session_id, null::uuid as key_id, null::text[] as scopes where false`, sql`false`);
}

/**
 * The signed-in user as the gate of the same batch set it (null for a key or a failed check): reads
 * that need "who is looking" can go in the batch without knowing the user beforehand.
 */
export const CURRENT_USER = sql`nullif(current_setting('app.user_id', true), '')::uuid`;

function principalOf(ctx: ServiceContext, row: GateRow | undefined): Principal | undefined {
  if (!row?.tenant_id) return undefined;
  const tenant: TenantInfo = { id: row.tenant_id, slug: row.slug!, name: row.name!, status: row.status! };
  const actor = ctx.actor;
  if (actor.type === "user" || actor.type === "webSession") return { type: "user", userId: row.user_id!, sessionId: row.session_id!, role: row.role as never, tenant };
  if (actor.type === "apiKey") return { type: "apiKey", apiKeyId: row.key_id!, scopes: row.scopes ?? [], tenant };
  if (actor.type === "system") return { type: "system", name: actor.name, tenant };
  return undefined;
}

export async function readTenant<T extends readonly [BatchItem<"pg">, ...BatchItem<"pg">[]]>(
  ctx: ServiceContext,
  permission: Permission | null,
  build: (db: HttpDb) => T,
): Promise<{ principal: Principal; results: BatchResponse<T> }> {
  const tenantId = ctx.tenantId;
  if (!tenantId) throw unauthorized();
  const userId = ctx.actor.type === "user" ? ctx.actor.userId : undefined;
  const [check, ...results] = await ctx.db.batch({ tenantId, userId }, (db) => [db.execute<GateRow>(gate(ctx, tenantId, permission)), ...build(db)] as const);
  const row = (check as { rows: GateRow[] }).rows[0];
  const principal = principalOf(ctx, row);
  if (!principal) {
    // A wrong API key is a failed secret check: it counts against the source's failure budget.
    if (ctx.actor.type === "apiKey") await recordSecretFailure(ctx);
    throw unauthorized("Credentials are no longer valid");
  }
  if (principal.tenant.status === "suspended") throw new AppError("TENANT_SUSPENDED", "This workspace is suspended");
  // The gate already refused the reads (the scope was '' for them); this turns that into the answer.
  if (!row!.allowed || row!.scope_tenant !== tenantId) throw forbidden();
  return { principal, results: results as unknown as BatchResponse<T> };
}
