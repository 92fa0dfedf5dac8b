import { and, eq, sql } from "drizzle-orm";
import { refreshTokenFamilies, refreshTokens, tenants } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { unauthorized } from "../../lib/errors";
import { tenantOfToken } from "../../lib/tenant-token";
import { endLiveSockets } from "../../../durable-objects/tenant-quota/client";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { authResult, issueRefreshToken, loadMember, revokeSession, type AuthResult } from "./sessions";
import { assertSecretRoom, recordSecretFailure } from "./throttle";

async function refused(ctx: ServiceContext): Promise<never> {
  await recordSecretFailure(ctx);
  throw unauthorized("Invalid refresh token");
}

/**
 * Exchanges a refresh token for a new pair. Each token works once: presenting one that was already
 * exchanged means it was copied, so the whole family (every token of that sign-in) is revoked.
 */
export async function refresh({ ctx, input }: { ctx: ServiceContext; input: { refresh_token: string } }): Promise<AuthResult> {
  await assertSecretRoom(ctx);
  const tenantId = tenantOfToken("rt", input.refresh_token);
  if (!tenantId) return refused(ctx);
  const tokenHash = await sha256Hex(input.refresh_token);

  // The reuse revocation must commit even though the caller gets a 401, so the transaction returns an
  // outcome and the error is thrown after it.
  const outcome = await ctx.db.scoped({ tenantId }, async (tx) => {
    const [row] = await tx
      .select({
        tokenId: refreshTokens.id,
        rotatedAt: refreshTokens.rotatedAt,
        familyId: refreshTokenFamilies.id,
        userId: refreshTokenFamilies.userId,
        kind: refreshTokenFamilies.kind,
        live: sql<boolean>`${refreshTokenFamilies.revokedAt} is null and ${refreshTokenFamilies.expiresAt} > now()`,
        tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status },
      })
      .from(refreshTokens)
      .innerJoin(refreshTokenFamilies, eq(refreshTokenFamilies.id, refreshTokens.familyId))
      .innerJoin(tenants, eq(tenants.id, refreshTokens.tenantId))
      .where(eq(refreshTokens.tokenHash, tokenHash))
      .for("update", { of: refreshTokens })
      .limit(1);
    if (!row || !row.live || row.kind !== "api") return { ok: false as const };
    if (row.rotatedAt) {
      await revokeSession(tx, row.familyId, "refresh_token_reuse");
      await recordAudit(tx, ctx, {
        tenantId,
        actorType: "user",
        actorId: row.userId,
        action: "session.reuse_detected",
        entityType: "session",
        entityId: row.familyId,
      });
      return { ok: false as const, reused: row.familyId };
    }
    await tx.execute(sql`select set_config('app.user_id', ${row.userId}, true)`);
    const member = await loadMember(tx, tenantId, row.userId);
    if (!member || row.tenant.status !== "active") return { ok: false as const };
    await tx.update(refreshTokens).set({ rotatedAt: sql`now()` }).where(and(eq(refreshTokens.id, row.tokenId)));
    await tx.update(refreshTokenFamilies).set({ lastUsedAt: sql`now()` }).where(eq(refreshTokenFamilies.id, row.familyId));
    const refreshToken = await issueRefreshToken(tx, tenantId, row.familyId);
    return { ok: true as const, member, tenant: row.tenant, sessionId: row.familyId, refreshToken };
  });
  if (!outcome.ok) {
    if ("reused" in outcome && outcome.reused) await endLiveSockets(ctx.env, tenantId, { sessionId: outcome.reused }, "refresh_token_reuse");
    return refused(ctx);
  }
  const { member, tenant, sessionId, refreshToken } = outcome;
  return authResult(ctx, { user: { id: member.id, email: member.email, name: member.name }, tenant, role: member.role, sessionId, refreshToken });
}
