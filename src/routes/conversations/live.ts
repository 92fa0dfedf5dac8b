import { Hono } from "hono";
import { threadStub } from "../../../durable-objects/conversation-thread/client";
import { liveUpgrade } from "../../../durable-objects/conversation-thread/live-sockets";
import { registerLiveSocket } from "../../../durable-objects/tenant-quota/client";
import { sha256Hex } from "../../lib/crypto";
import { AppError, unauthorized } from "../../lib/errors";
import { ACCESS_TOKEN_TTL_SECONDS, verifyAccessToken } from "../../lib/jwt";
import { tenantOfToken } from "../../lib/tenant-token";
import { withTenant } from "../../services/access";
import { findConversation } from "../../services/conversations/conversations";
import { LIVE_PROTOCOL, originMatches, protocolCredential } from "../../middleware/socket-credentials";
import { readSessionCookie } from "../../web/session";
import type { AppEnv } from "../hono-env";

/**
 * Live updates for one conversation over a WebSocket held by its thread's Durable Object (hibernation
 * API). Access is checked exactly like the REST routes (another tenant's conversation is 404) before
 * the upgrade is handed to the object.
 *
 * Credentials: the web app's `__Host-` session cookie (browsers send it on the handshake), or an access
 * token as `Authorization: Bearer` (server clients) or as the subprotocol `bearer.<token>` next to
 * `parley.v1` (browsers cannot set headers on a WebSocket). Never in the URL, where proxies and logs
 * keep it. The Origin must be Parley's own: a cookie is sent whatever page opens the socket.
 *
 * The socket ends with access: it expires with the token (or, for a cookie, after the same short
 * lifetime, and the inbox reconnects), and logout, removal and role changes close it through the
 * workspace's registry of live sockets.
 */
export const liveRoutes = new Hono<AppEnv>();

liveRoutes.get("/v1/conversations/:id/live", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("BAD_REQUEST", "Expected a WebSocket upgrade");
  const ctx = c.get("ctx");
  if (c.req.query("access_token") !== undefined) {
    throw new AppError("BAD_REQUEST", "Tokens in URLs end up in logs: send it as the Sec-WebSocket-Protocol `bearer.<token>` or use the session cookie");
  }
  const origin = c.req.header("origin");
  if (origin !== undefined && !originMatches(ctx.config, c.req.url, origin)) throw new AppError("FORBIDDEN", "This origin may not open live updates");
  const id = c.req.param("id");
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw new AppError("NOT_FOUND", "Conversation not found");

  const offered = protocolCredential(c.req.header("sec-websocket-protocol"), "bearer");
  const bearer = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1] ?? offered.token;
  // The `__Host-` cookie on https; the plain name only exists on plain-http local development.
  const cookie = readSessionCookie(c);
  let expiresAt: number;
  if (bearer) {
    const claims = await verifyAccessToken(ctx.config, bearer);
    if (!claims) throw unauthorized("Invalid or expired access token");
    ctx.tenantId = claims.tid;
    ctx.actor = { type: "user", userId: claims.sub, sessionId: claims.sid };
    expiresAt = tokenExpiry(bearer);
  } else if (cookie && tenantOfToken("rt", cookie)) {
    // A cookie rides along on any page's handshake: only Parley's own pages may use it.
    if (origin === undefined) throw new AppError("FORBIDDEN", "This origin may not open live updates");
    ctx.tenantId = tenantOfToken("rt", cookie);
    ctx.actor = { type: "webSession", tokenHash: await sha256Hex(cookie) };
    expiresAt = Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000;
  } else {
    throw unauthorized();
  }
  const { conv, principal } = await withTenant(ctx, "conversations:read", async (tx, p) => ({ conv: await findConversation(tx, id), principal: p }));
  if (principal.type !== "user") throw unauthorized();

  const identity = { sessionId: principal.sessionId, userId: principal.userId, threadKey: conv.threadKey, expiresAt };
  await registerLiveSocket(c.env, conv.tenantId, identity);
  const forward = liveUpgrade(c.req.url, {
    audience: "agent",
    conversation: conv.id,
    session: principal.sessionId,
    user: principal.userId,
    expires: String(expiresAt),
    protocol: offered.offered ? LIVE_PROTOCOL : undefined,
  });
  const upgraded = await threadStub(c.env, conv.tenantId, conv.threadKey).fetch(forward);
  // A fresh Response: the object's has immutable headers, and middleware adds security headers.
  return new Response(upgraded.body, { status: upgraded.status, webSocket: upgraded.webSocket, headers: upgraded.headers });
});

/** `exp` of an access token verified just before (so its payload is ours), in epoch ms. */
function tokenExpiry(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: unknown };
    if (typeof payload.exp === "number") return payload.exp * 1000;
  } catch {
    // fall through to the shortest lifetime a token can have
  }
  return Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000;
}
