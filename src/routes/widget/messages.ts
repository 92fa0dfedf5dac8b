import { consumeRateLimit } from "../../../durable-objects/rate-limiter/client";
import { parseWidgetMessage, WIDGET_VISITOR_HEADER, WidgetMessageBody } from "../../channels/widget-delivery";
import { ingest } from "../../services/ingest/ingest";
import { AppError } from "../../lib/errors";
import { bearerOf, requireVisitor, type WidgetContext } from "./channel";

const MESSAGES_PER_VISITOR = { limit: 30, windowSeconds: 60 };
// Visitor ids are free to mint, so a per-visitor limit alone is easy to sidestep: cap the IP as well.
const MESSAGES_PER_IP = { limit: 120, windowSeconds: 60 };
// And the channel as a whole: anonymous traffic from any number of visitors and IPs meets a ceiling,
// so a flood cannot bury the agents' inbox or the thread objects behind it.
export const MESSAGES_PER_CHANNEL = { limit: 600, windowSeconds: 60 };
/** Request headers kept with the delivery log. Authorization (the visitor token) is never kept. */
const KEPT_HEADERS = ["content-type", "user-agent", "origin", "cf-connecting-ip"];

/**
 * `POST /widget/:tenantId/:channelId/messages` `{text, client_message_id}` with the visitor token.
 * From here on a visitor's message is any other channel's inbound message: it goes to the visitor's
 * thread object (dedupe, ordering, debounce group, persistence, raw log) exactly as inbound webhooks do.
 * The idempotency key is the client's id scoped by visitor (see widget-delivery.ts).
 */
export async function postMessage(c: WidgetContext) {
  const ctx = c.get("ctx");
  const channel = c.get("channel");
  const visitor = await requireVisitor(c, bearerOf(c));
  await consumeRateLimit(c.env, `widget:msg:${channel.id}:${visitor.visitorId}`, MESSAGES_PER_VISITOR.limit, MESSAGES_PER_VISITOR.windowSeconds);
  await consumeRateLimit(c.env, `widget:msg-ip:${channel.id}:${ctx.ip ?? "unknown"}`, MESSAGES_PER_IP.limit, MESSAGES_PER_IP.windowSeconds);
  await consumeRateLimit(c.env, `widget:msg-channel:${channel.id}`, MESSAGES_PER_CHANNEL.limit, MESSAGES_PER_CHANNEL.windowSeconds);

  const raw = await c.req.text();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new AppError("BAD_REQUEST", "Body must be JSON");
  }
  const parsed = WidgetMessageBody.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "body");
    throw new AppError("VALIDATION_FAILED", `${field}: ${issue.message}`, { field });
  }
  const headers: Record<string, string> = {};
  for (const h of KEPT_HEADERS) {
    const v = c.req.header(h);
    if (v) headers[h] = v.slice(0, 300);
  }
  if (c.req.header("authorization")) headers.authorization = "[present]";
  // The sender is the visitor this server authenticated; a replay of this delivery reads it from here.
  headers[WIDGET_VISITOR_HEADER] = visitor.visitorId;
  const message = parseWidgetMessage(parsed.data, visitor.visitorId);
  const result = await ingest({ ctx, channel, delivery: { source: "widget", events: [message], body: raw, headers } });
  return c.json({ ok: true, client_message_id: parsed.data.client_message_id, duplicate: result.accepted.length === 0 }, 202);
}
