import { threadKeyOf, threadStub } from "../../../durable-objects/conversation-thread/client";
import { AppError } from "../../lib/errors";
import { requireVisitor, type WidgetContext } from "./channel";

/**
 * `GET /widget/:tenantId/:channelId/live?token=…`: the visitor's WebSocket, held by their thread's
 * Durable Object as a `visitor` socket (it hears every message of that one thread, sanitized by the
 * object). Browsers cannot set headers on a WebSocket, hence the token in the query; the Origin was
 * already checked (that is what stops cross-site WebSocket hijacking of a leaked token in a browser).
 */
export async function openLive(c: WidgetContext) {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("BAD_REQUEST", "Expected a WebSocket upgrade");
  const channel = c.get("channel");
  const visitor = await requireVisitor(c, c.req.query("token"));
  const forward = new Request(c.req.raw);
  // Set, never passed through: a client must not pick its own audience or conversation.
  forward.headers.set("x-parley-audience", "visitor");
  forward.headers.delete("x-parley-conversation");
  const upstream = await threadStub(c.env, channel.tenantId, threadKeyOf(channel.id, visitor.visitorId)).fetch(forward);
  // A Durable Object's response has immutable headers; re-wrap it so the app's header middleware can add its own.
  return upstream.webSocket ? new Response(null, { status: 101, webSocket: upstream.webSocket, headers: upstream.headers }) : upstream;
}
