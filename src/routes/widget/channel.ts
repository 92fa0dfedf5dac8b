import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { AppError, unauthorized } from "../../lib/errors";
import { findWebchatChannel, type WebchatChannel } from "../../services/webchat/channel";
import { verifyVisitorToken, type VisitorToken } from "../../services/webchat/visitor-token";
import type { AppEnv } from "../hono-env";

export interface WidgetEnv {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & { channel: WebchatChannel };
}
export type WidgetContext = Context<WidgetEnv>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Whether a browser on `origin` may use this channel. Browsers always send Origin on cross-origin
 * fetches and on WebSocket handshakes, and a page cannot forge it, so this stops other sites from
 * embedding a tenant's chat. It is not authentication (a script outside a browser can send any
 * Origin): the visitor token is. An empty list means any origin; a request without Origin then passes.
 */
export function originAllowed(channel: WebchatChannel, origin: string | undefined): boolean {
  if (channel.allowedOrigins.length === 0) return true;
  return origin !== undefined && channel.allowedOrigins.includes(origin);
}

function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  // Echoed with Vary rather than `*`, so a cache never hands one site's answer to another. No
  // Allow-Credentials: the widget sends no cookies (its token rides in Authorization).
  return { "Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": "Retry-After, WWW-Authenticate", Vary: "Origin" };
}

/**
 * Every `/widget/:tenantId/:channelId/*` request: the channel must exist in that tenant (RLS scopes the
 * lookup to the tenant in the path, so another tenant's channel is simply not found), be web chat and
 * be active — anything else is the same 404. Then the Origin check, CORS headers, and preflights.
 */
export const widgetChannel = createMiddleware<WidgetEnv>(async (c, next) => {
  const { tenantId, channelId } = c.req.param() as { tenantId: string; channelId: string };
  if (!UUID.test(tenantId) || !UUID.test(channelId)) throw new AppError("NOT_FOUND", "No such chat");
  const ctx = c.get("ctx");
  const channel = await ctx.db.scoped({ tenantId }, (tx) => findWebchatChannel(tx, channelId));
  if (!channel) throw new AppError("NOT_FOUND", "No such chat");

  const origin = c.req.header("origin");
  if (!originAllowed(channel, origin)) throw new AppError("FORBIDDEN", "This site may not use this chat");
  c.set("channel", channel);

  if (c.req.method === "OPTIONS") {
    return c.body(null, 204, {
      ...corsHeaders(origin),
      "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
      "Access-Control-Allow-Headers": "authorization, content-type",
      "Access-Control-Max-Age": "600",
    });
  }
  await next();
  // Errors too (the app's onError has already produced them): the widget must be able to read a 429.
  if (c.res.status !== 101) for (const [k, v] of Object.entries(corsHeaders(origin))) c.res.headers.set(k, v);
});

/** The visitor named by a valid, unexpired token for this channel, or 401. */
export async function requireVisitor(c: WidgetContext, token: string | undefined): Promise<VisitorToken> {
  const channel = c.get("channel");
  const visitor = await verifyVisitorToken(c.get("ctx").config, { tenantId: channel.tenantId, channelId: channel.id }, token);
  if (!visitor) throw unauthorized("Invalid or expired visitor token");
  return visitor;
}

export const bearerOf = (c: WidgetContext) => /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1];
