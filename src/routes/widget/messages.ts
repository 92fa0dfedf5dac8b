import { z } from "zod";
import type { RawDelivery } from "../../../durable-objects/conversation-thread/types";
import { consumeRateLimit } from "../../../durable-objects/rate-limiter/client";
import type { InboundMessage } from "../../channels/inbound";
import { dispatchToThreads } from "../../channels/ingest";
import { AppError } from "../../lib/errors";
import { bearerOf, requireVisitor, type WidgetContext } from "./channel";

const MESSAGES_PER_VISITOR = { limit: 30, windowSeconds: 60 };
// Visitor ids are free to mint, so a per-visitor limit alone is easy to sidestep: cap the IP as well.
const MESSAGES_PER_IP = { limit: 120, windowSeconds: 60 };
/** Request headers kept with the delivery log. Authorization (the visitor token) is never kept. */
const KEPT_HEADERS = ["content-type", "user-agent", "origin", "cf-connecting-ip"];

const Body = z.object({
  text: z.string().trim().min(1, "Write a message").max(4096, "Messages are at most 4096 characters"),
  client_message_id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "Must be 8–64 characters: letters, digits, _ and -"),
});

/**
 * `POST /widget/:tenantId/:channelId/messages` `{text, client_message_id}` with the visitor token.
 * From here on a visitor's message is any other channel's inbound message: it goes to the visitor's
 * thread object (dedupe, ordering, debounce group, persistence, raw log) exactly as inbound webhooks do.
 * The idempotency key is the client's id scoped by visitor, so a retried send is one message and one
 * visitor cannot shadow another's ids.
 */
export async function postMessage(c: WidgetContext) {
  const ctx = c.get("ctx");
  const channel = c.get("channel");
  const visitor = await requireVisitor(c, bearerOf(c));
  await consumeRateLimit(c.env, `widget:msg:${channel.id}:${visitor.visitorId}`, MESSAGES_PER_VISITOR.limit, MESSAGES_PER_VISITOR.windowSeconds);
  await consumeRateLimit(c.env, `widget:msg-ip:${channel.id}:${ctx.ip ?? "unknown"}`, MESSAGES_PER_IP.limit, MESSAGES_PER_IP.windowSeconds);

  const raw = await c.req.text();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new AppError("BAD_REQUEST", "Body must be JSON");
  }
  const parsed = Body.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "body");
    throw new AppError("VALIDATION_FAILED", `${field}: ${issue.message}`, { field });
  }
  const now = Date.now();
  const message: InboundMessage = {
    kind: "message",
    externalId: `${visitor.visitorId}:${parsed.data.client_message_id}`,
    from: { id: visitor.visitorId },
    timestamp: now,
    content: { type: "text", text: parsed.data.text },
  };
  const headers: Record<string, string> = {};
  for (const h of KEPT_HEADERS) {
    const v = c.req.header(h);
    if (v) headers[h] = v.slice(0, 300);
  }
  if (c.req.header("authorization")) headers.authorization = "[present]";
  const delivery: RawDelivery = { body: raw, truncated: false, headers, eventType: "message", receivedAt: now, externalIds: [message.externalId] };
  const result = await dispatchToThreads(c.env, channel, [message], delivery);
  return c.json({ ok: true, client_message_id: parsed.data.client_message_id, duplicate: result.accepted.length === 0 }, 202);
}
