/**
 * A web chat visitor's message as the widget posts it. Parsed the same way when it arrives and when
 * its logged delivery is replayed, so a replay can never read a sender out of the body.
 */
import { z } from "zod";
import { refineText } from "../lib/storable-text";
import { compact, InboundParseError, type InboundMessage } from "./inbound";

/** Logged with every widget delivery: the visitor the server authenticated (set by the server only). */
export const WIDGET_VISITOR_HEADER = "x-parley-visitor";

export const WidgetMessageBody = z.object({
  text: z.string().trim().min(1, "Write a message").max(4096, "Messages are at most 4096 characters").superRefine(refineText),
  client_message_id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "Must be 8–64 characters: letters, digits, _ and -"),
});

export function parseWidgetMessage(json: unknown, visitorId: string, now = Date.now()): InboundMessage {
  const parsed = WidgetMessageBody.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InboundParseError("api", String(issue.path[0] ?? ""), issue.message);
  }
  // The idempotency key is the client's id scoped by visitor: a retried send is one message, and one
  // visitor cannot shadow another's ids.
  return compact({
    kind: "message" as const,
    externalId: `${visitorId}:${parsed.data.client_message_id}`,
    from: { id: visitorId },
    timestamp: now,
    content: { type: "text" as const, text: parsed.data.text },
  });
}
