import { threadKeyOf, threadStub } from "../../../durable-objects/conversation-thread/client";
import { liveUpgrade } from "../../../durable-objects/conversation-thread/live-sockets";
import { AppError } from "../../lib/errors";
import { LIVE_PROTOCOL, protocolCredential } from "../../middleware/socket-credentials";
import { requireVisitor, type WidgetContext } from "./channel";

/**
 * `GET /widget/:tenantId/:channelId/live` with the subprotocols `parley.v1, visitor.<token>`: the
 * visitor's WebSocket, held by their thread's Durable Object as a `visitor` socket (it hears every
 * message of that one thread, sanitized by the object). The token rides in Sec-WebSocket-Protocol, the
 * one header a page can set on a WebSocket, never in the URL (where logs keep it). The Origin was
 * already checked (that is what stops cross-site WebSocket hijacking of a leaked token in a browser).
 * The socket expires with the token; the widget renews its session and reconnects.
 */
export async function openLive(c: WidgetContext) {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("BAD_REQUEST", "Expected a WebSocket upgrade");
  if (c.req.query("token") !== undefined) throw new AppError("BAD_REQUEST", "Tokens in URLs end up in logs: send it as the Sec-WebSocket-Protocol `visitor.<token>`");
  const channel = c.get("channel");
  const offered = protocolCredential(c.req.header("sec-websocket-protocol"), "visitor");
  const visitor = await requireVisitor(c, offered.token);
  // Built from scratch, never passed through: a client must not pick its own audience or conversation.
  const forward = liveUpgrade(c.req.url, { audience: "visitor", expires: String(visitor.expiresAt * 1000), protocol: offered.offered ? LIVE_PROTOCOL : undefined });
  const upstream = await threadStub(c.env, channel.tenantId, threadKeyOf(channel.id, visitor.visitorId)).fetch(forward);
  // A Durable Object's response has immutable headers; re-wrap it so the app's header middleware can add its own.
  return upstream.webSocket ? new Response(null, { status: 101, webSocket: upstream.webSocket, headers: upstream.headers }) : upstream;
}
