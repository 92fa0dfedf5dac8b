import { randomToken } from "./crypto";

/**
 * Opaque bearer secrets that carry their tenant in clear: `<prefix>_<tenant id hex>_<256 random bits>`.
 * The tenant part lets a request open its RLS-scoped transaction before the secret is looked up (by its
 * SHA-256), so no query ever runs across tenants. Knowing a tenant id grants nothing without the secret.
 */
export type TokenPrefix = "rt" | "pk" | "inv";

export function mintTenantToken(prefix: TokenPrefix, tenantId: string): string {
  return `${prefix}_${tenantId.replace(/-/g, "")}_${randomToken(32)}`;
}

const SHAPE = /^([a-z]+)_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export function tenantOfToken(prefix: TokenPrefix, token: string): string | undefined {
  const m = SHAPE.exec(token);
  if (!m || m[1] !== prefix) return undefined;
  const h = m[2]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
