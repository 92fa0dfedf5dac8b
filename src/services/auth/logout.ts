import { eq } from "drizzle-orm";
import { refreshTokenFamilies, refreshTokens } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { unauthorized } from "../../lib/errors";
import { tenantOfToken } from "../../lib/tenant-token";
import { endLiveSockets } from "../../../durable-objects/tenant-quota/client";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { revokeSession } from "./sessions";

/**
 * Ends a sign-in: the session named by the access token (or owning the given refresh token) is revoked,
 * which also kills its access tokens at once (every request re-checks the session). Idempotent.
 */
export async function logout({ ctx, input }: { ctx: ServiceContext; input: { refresh_token?: string } }): Promise<void> {
  let tenantId = ctx.tenantId;
  let sessionId = ctx.actor.type === "user" ? ctx.actor.sessionId : undefined;
  let tokenHash: string | undefined;
  if (!sessionId && input.refresh_token) {
    tenantId = tenantOfToken("rt", input.refresh_token);
    tokenHash = await sha256Hex(input.refresh_token);
  }
  if (ctx.actor.type === "webSession") tokenHash = ctx.actor.tokenHash;
  if (!tenantId || (!sessionId && !tokenHash)) throw unauthorized();

  await ctx.db.scoped({ tenantId }, async (tx) => {
    if (!sessionId && tokenHash) {
      const [row] = await tx
        .select({ familyId: refreshTokens.familyId })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, tokenHash))
        .limit(1);
      sessionId = row?.familyId;
    }
    if (!sessionId) return;
    const [family] = await tx.select({ userId: refreshTokenFamilies.userId }).from(refreshTokenFamilies).where(eq(refreshTokenFamilies.id, sessionId));
    if (family && (await revokeSession(tx, sessionId, "logout"))) {
      await recordAudit(tx, ctx, { tenantId: tenantId!, actorType: "user", actorId: family.userId, action: "session.revoked", entityType: "session", entityId: sessionId, data: { reason: "logout" } });
    }
  });
  // After the commit: the session's live sockets close now rather than at their expiry.
  if (sessionId) await endLiveSockets(ctx.env, tenantId, { sessionId }, "logout");
}
