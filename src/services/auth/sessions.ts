import { and, eq, isNull, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { refreshTokenFamilies, refreshTokens, tenantMembers, users, type Role } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from "../../lib/jwt";
import { mintTenantToken } from "../../lib/tenant-token";
import type { TenantInfo } from "../access";
import type { ServiceContext } from "../context";

/** Absolute lifetime of a sign-in; rotation does not extend it. */
const SESSION_TTL_DAYS = { api: 30, web: 14 } as const;

export interface AuthResult {
  user: { id: string; email: string; name: string | null };
  tenant: { id: string; slug: string; name: string };
  role: Role;
  access_token: string;
  refresh_token: string;
  token_type: "Bearer";
  expires_in: number;
  session_id: string;
}

export async function openSession(
  tx: Tx,
  ctx: ServiceContext,
  input: { tenantId: string; userId: string; kind: "api" | "web" },
): Promise<{ sessionId: string; refreshToken: string }> {
  const sessionId = crypto.randomUUID();
  await tx.insert(refreshTokenFamilies).values({
    id: sessionId,
    tenantId: input.tenantId,
    userId: input.userId,
    kind: input.kind,
    expiresAt: sql`now() + make_interval(days => ${SESSION_TTL_DAYS[input.kind]})`,
    userAgent: ctx.userAgent?.slice(0, 300) ?? null,
    ip: ctx.ip ?? null,
  });
  const refreshToken = await issueRefreshToken(tx, input.tenantId, sessionId);
  return { sessionId, refreshToken };
}

export async function issueRefreshToken(tx: Tx, tenantId: string, familyId: string): Promise<string> {
  const token = mintTenantToken("rt", tenantId);
  await tx.insert(refreshTokens).values({ tenantId, familyId, tokenHash: await sha256Hex(token) });
  return token;
}

export async function revokeSession(tx: Tx, sessionId: string, reason: string): Promise<boolean> {
  const rows = await tx
    .update(refreshTokenFamilies)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(refreshTokenFamilies.id, sessionId), isNull(refreshTokenFamilies.revokedAt)))
    .returning({ id: refreshTokenFamilies.id });
  return rows.length > 0;
}

/** Revokes every live sign-in of one member in this tenant (on removal or role change). */
export async function revokeMemberSessions(tx: Tx, userId: string, reason: string): Promise<void> {
  await tx
    .update(refreshTokenFamilies)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(refreshTokenFamilies.userId, userId), isNull(refreshTokenFamilies.revokedAt)));
}

export async function authResult(
  ctx: ServiceContext,
  parts: { user: { id: string; email: string; name: string | null }; tenant: TenantInfo; role: Role; sessionId: string; refreshToken: string },
): Promise<AuthResult> {
  const accessToken = await signAccessToken(ctx.config, { sub: parts.user.id, tid: parts.tenant.id, sid: parts.sessionId });
  return {
    user: parts.user,
    tenant: { id: parts.tenant.id, slug: parts.tenant.slug, name: parts.tenant.name },
    role: parts.role,
    access_token: accessToken,
    refresh_token: parts.refreshToken,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    session_id: parts.sessionId,
  };
}

export async function loadMember(tx: Tx, tenantId: string, userId: string) {
  const [row] = await tx
    .select({ role: tenantMembers.role, id: users.id, email: users.email, name: users.name })
    .from(tenantMembers)
    .innerJoin(users, eq(users.id, tenantMembers.userId))
    .where(and(eq(tenantMembers.tenantId, tenantId), eq(tenantMembers.userId, userId), eq(tenantMembers.status, "active")))
    .limit(1);
  return row;
}
