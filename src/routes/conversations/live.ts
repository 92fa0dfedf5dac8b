import { Hono } from "hono";
import { threadStub } from "../../../durable-objects/conversation-thread/client";
import { sha256Hex } from "../../lib/crypto";
import { AppError, unauthorized } from "../../lib/errors";
import { verifyAccessToken } from "../../lib/jwt";
import { getCookie } from "hono/cookie";
import { tenantOfToken } from "../../lib/tenant-token";
import { withTenant } from "../../services/access";
import { findConversation } from "../../services/conversations/conversations";
import type { AppEnv } from "../hono-env";

/**
 * Live updates for one conversation over a WebSocket held by its thread's Durable Object (hibernation
 * API). Browsers cannot set headers on a WebSocket, so besides `Authorization` the access token may come
 * as `?access_token=`, or the web app's session cookie is used. Access is checked exactly like the REST
 * routes (another tenant's conversation is 404) before the upgrade is handed to the object.
 */
export const liveRoutes = new Hono<AppEnv>();

liveRoutes.get("/v1/conversations/:id/live", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("BAD_REQUEST", "Expected a WebSocket upgrade");
  const ctx = c.get("ctx");
  const id = c.req.param("id");
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new AppError("NOT_FOUND", "Conversation not found");
  const bearer = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1] ?? c.req.query("access_token");
  const cookie = getCookie(c, "__Host-parley_session") ?? getCookie(c, "parley_session");
  if (bearer) {
    const claims = await verifyAccessToken(ctx.config, bearer);
    if (!claims) throw unauthorized("Invalid or expired access token");
    ctx.tenantId = claims.tid;
    ctx.actor = { type: "user", userId: claims.sub, sessionId: claims.sid };
  } else if (cookie && tenantOfToken("rt", cookie)) {
    ctx.tenantId = tenantOfToken("rt", cookie);
    ctx.actor = { type: "webSession", tokenHash: await sha256Hex(cookie) };
  } else {
    throw unauthorized();
  }
  const conv = await withTenant(ctx, "conversations:read", (tx) => findConversation(tx, id));
  const forward = new Request(c.req.raw);
  forward.headers.set("x-parley-conversation", conv.id);
  forward.headers.set("x-parley-audience", "agent");
  const upgraded = await threadStub(c.env, conv.tenantId, conv.threadKey).fetch(forward);
  // A fresh Response: the object's has immutable headers, and middleware adds security headers.
  return new Response(upgraded.body, { status: upgraded.status, webSocket: upgraded.webSocket, headers: upgraded.headers });
});
