import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "@hono/zod-openapi";
import { apiKeys } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { notFound } from "../../lib/errors";
import { mintTenantToken } from "../../lib/tenant-token";
import { actorRef, withTenant } from "../access";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { API_KEY_SCOPES, type ApiKeyScope } from "../permissions";

export const ApiKeySchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The key's first characters, to tell keys apart" }),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");
export type ApiKey = z.infer<typeof ApiKeySchema>;

type Row = typeof apiKeys.$inferSelect;
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toApiKey = (r: Row): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes as ApiKeyScope[],
  created_at: r.createdAt.toISOString(),
  last_used_at: iso(r.lastUsedAt),
  expires_at: iso(r.expiresAt),
  revoked_at: iso(r.revokedAt),
});

/** Creates a key; the secret is returned here once and only its SHA-256 is stored. */
export async function createApiKey({ ctx, input }: { ctx: ServiceContext; input: { name: string; scopes: ApiKeyScope[]; expires_in_days?: number } }) {
  return withTenant(ctx, "api_keys:manage", async (tx, p) => {
    const id = crypto.randomUUID();
    const key = mintTenantToken("pk", p.tenant.id);
    const [row] = await tx
      .insert(apiKeys)
      .values({
        id,
        tenantId: p.tenant.id,
        name: input.name,
        prefix: `${key.slice(0, 3)}…${key.slice(-4)}`,
        keyHash: await sha256Hex(key),
        scopes: [...new Set(input.scopes)],
        createdBy: p.type === "user" ? p.userId : null,
        expiresAt: input.expires_in_days ? sql`now() + make_interval(days => ${input.expires_in_days})` : null,
      })
      .returning();
    await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "api_key.created", entityType: "api_key", entityId: id, data: { name: input.name, scopes: input.scopes } });
    return { ...toApiKey(row!), key };
  });
}

export async function listApiKeys({ ctx }: { ctx: ServiceContext }) {
  return withTenant(ctx, "api_keys:manage", async (tx) => {
    const rows = await tx.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
    return { data: rows.map(toApiKey), next_cursor: null };
  });
}

export async function revokeApiKey({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<void> {
  await withTenant(ctx, "api_keys:manage", async (tx, p) => {
    const [row] = await tx.select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.id, input.id));
    if (!row) throw notFound("API key");
    const revoked = await tx.update(apiKeys).set({ revokedAt: sql`now()` }).where(and(eq(apiKeys.id, input.id), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id });
    if (revoked.length > 0) {
      await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "api_key.revoked", entityType: "api_key", entityId: input.id });
    }
  });
}
