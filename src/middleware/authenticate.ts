import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { sha256Hex } from "../lib/crypto";
import { unauthorized } from "../lib/errors";
import { verifyAccessToken } from "../lib/jwt";
import { tenantOfToken } from "../lib/tenant-token";
import type { AppEnv } from "../routes/hono-env";
import { assertSecretRoom, recordSecretFailure } from "../services/auth/throttle";

/**
 * Reads `Authorization: Bearer <access token | API key>` and records who claims to act. Only the
 * signature and shape are checked here; membership, role, revocation and suspension are re-checked
 * against the database inside the request's tenant transaction (services/access.ts).
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const ctx = c.get("ctx");
  const header = c.req.header("authorization");
  const match = header ? /^Bearer ([^\s]+)$/.exec(header) : null;
  if (!match) throw unauthorized(header ? "Malformed Authorization header" : "Missing Authorization header");
  const credential = match[1]!;
  if (credential.startsWith("pk_")) {
    // API keys are long-lived secrets: a source that keeps presenting wrong ones is throttled (429).
    await assertSecretRoom(ctx);
    const tenantId = tenantOfToken("pk", credential);
    if (!tenantId) {
      await recordSecretFailure(ctx);
      throw unauthorized("Invalid API key");
    }
    ctx.tenantId = tenantId;
    ctx.actor = { type: "apiKey", keyHash: await sha256Hex(credential) };
  } else {
    const claims = await verifyAccessToken(ctx.config, credential);
    if (!claims) throw unauthorized("Invalid or expired access token");
    ctx.tenantId = claims.tid;
    ctx.actor = { type: "user", userId: claims.sub, sessionId: claims.sid };
  }
  await next();
});

/**
 * For public routes that behave differently for a signed-in user (accepting an invitation as an
 * existing account): a valid access token sets the actor, anything else leaves the request anonymous.
 * API keys are not a person's sign-in and are ignored here.
 */
export async function optionalUserSignIn(c: Context<AppEnv>): Promise<void> {
  const ctx = c.get("ctx");
  const credential = /^Bearer ([^\s]+)$/.exec(c.req.header("authorization") ?? "")?.[1];
  if (!credential || credential.startsWith("pk_")) return;
  const claims = await verifyAccessToken(ctx.config, credential);
  if (!claims) return;
  ctx.tenantId = claims.tid;
  ctx.actor = { type: "user", userId: claims.sub, sessionId: claims.sid };
}
