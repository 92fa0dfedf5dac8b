import { createMiddleware } from "hono/factory";
import { sha256Hex } from "../lib/crypto";
import { unauthorized } from "../lib/errors";
import { verifyAccessToken } from "../lib/jwt";
import { tenantOfToken } from "../lib/tenant-token";
import type { AppEnv } from "../routes/hono-env";

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
    const tenantId = tenantOfToken("pk", credential);
    if (!tenantId) throw unauthorized("Invalid API key");
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
