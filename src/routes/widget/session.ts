import { consumeRateLimit } from "../../../durable-objects/rate-limiter/client";
import { mintVisitorToken, newVisitorId, verifyVisitorToken, VISITOR_RENEW_WINDOW_S } from "../../services/webchat/visitor-token";
import { bearerOf, type WidgetContext } from "./channel";

/** New visitors per IP and channel; renewals count too. Sessions store nothing, this only slows minting. */
const SESSIONS_PER_IP = { limit: 60, windowSeconds: 600 };

/**
 * `POST /widget/:tenantId/:channelId/session` → `{visitor_id, token, expires_at}`.
 * A visitor presenting its previous token (valid signature, expired at most 30 days ago) keeps its
 * visitor id, and so its thread and history; anyone else becomes a new visitor.
 */
export async function createSession(c: WidgetContext) {
  const ctx = c.get("ctx");
  const channel = c.get("channel");
  const ref = { tenantId: channel.tenantId, channelId: channel.id };
  await consumeRateLimit(c.env, `widget:session:${channel.id}:${ctx.ip ?? "unknown"}`, SESSIONS_PER_IP.limit, SESSIONS_PER_IP.windowSeconds);
  const previous = await verifyVisitorToken(ctx.config, ref, bearerOf(c), { graceS: VISITOR_RENEW_WINDOW_S });
  const minted = await mintVisitorToken(ctx.config, ref, previous?.visitorId ?? newVisitorId());
  c.header("Cache-Control", "no-store");
  return c.json({ visitor_id: minted.visitorId, token: minted.token, expires_at: new Date(minted.expiresAt * 1000).toISOString() }, 201);
}
