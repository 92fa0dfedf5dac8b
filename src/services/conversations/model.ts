import { z } from "@hono/zod-openapi";
import { CONVERSATION_STATES, type conversations, type messageAnnotations, type messages } from "../../db/schema";
import type { MessageContent } from "../../channels/inbound";
import { MessageContentSchema } from "../../channels/content-schema";
import { CallSummarySchema } from "../escalations/model";
import { ConversationSlaSchema } from "../sla/model";

export const MessageSchema = z
  .object({
    id: z.string().uuid(),
    conversation_id: z.string().uuid(),
    channel_id: z.string().uuid(),
    direction: z.enum(["inbound", "outbound"]),
    sender_type: z.enum(["customer", "agent", "bot", "system"]),
    sender_id: z.string().uuid().nullable(),
    external_id: z.string().nullable(),
    content: MessageContentSchema,
    text: z.string().nullable(),
    status: z.enum(["received", "pending", "sent", "delivered", "read", "failed"]),
    error: z.string().nullable(),
    reply_to_external_id: z.string().nullable(),
    created_at: z.string(),
    annotations: z
      .object({
        language: z.string(),
        intent: z.string(),
        sentiment: z.object({ score: z.number(), label: z.enum(["positive", "neutral", "negative", "angry"]) }),
        urgency: z.number(),
        priority: z.enum(["P0", "P1", "P2", "P3"]),
        entities: z.array(z.object({ type: z.string(), value: z.string() })),
        source: z.string(),
        corrected: z.boolean(),
      })
      .optional()
      .openapi("Annotations", { description: "How an inbound message was understood (once its group was)" }),
  })
  .openapi("Message");
export type Message = z.infer<typeof MessageSchema>;

export const ConversationSchema = z
  .object({
    id: z.string().uuid(),
    state: z.enum(CONVERSATION_STATES),
    channel_id: z.string().uuid(),
    contact_id: z.string().uuid(),
    assignee_id: z.string().uuid().nullable(),
    team_id: z.string().uuid().nullable().openapi({ description: "The team that owns it; routing assigns within it" }),
    subject: z.string().nullable(),
    message_count: z.number().int(),
    last_message_at: z.string().nullable(),
    last_customer_message_at: z.string().nullable(),
    first_response_at: z.string().nullable(),
    resolved_at: z.string().nullable(),
    language: z.string().nullable().openapi({ description: "The customer's latest language (ISO 639-1)" }),
    intent: z.string().nullable(),
    sentiment: z.object({ score: z.number().nullable(), label: z.string() }).nullable(),
    priority: z.enum(["P0", "P1", "P2", "P3"]).nullable(),
    bot_paused: z.boolean().openapi({ description: "An agent replied or was assigned: the bot stays quiet here" }),
    flow: z.object({ id: z.string().uuid(), version: z.number().int() }).nullable().openapi({ description: "The flow version this conversation runs" }),
    escalation_summary: z.string().nullable().openapi({ description: "What the bot handed over, for the agent" }),
    sla: ConversationSlaSchema.nullable().optional().openapi({ description: "The SLA clocks as of now (null: no policy applies); on GET, list and PATCH" }),
    call_summary: CallSummarySchema.nullable().optional().openapi({ description: "On GET /v1/conversations/{id}: the summary stored when the conversation ended or was handed over" }),
    created_at: z.string(),
    updated_at: z.string(),
    version: z.number().int(),
  })
  .openapi("Conversation");
export type Conversation = z.infer<typeof ConversationSchema>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toMessage(r: typeof messages.$inferSelect): Message {
  return {
    id: r.id,
    conversation_id: r.conversationId,
    channel_id: r.channelId,
    direction: r.direction,
    sender_type: r.senderType,
    sender_id: r.senderId,
    external_id: r.externalId,
    // Written only by the normalizers and the reply/bot paths, all of which produce MessageContent.
    content: r.content as MessageContent,
    text: r.text,
    status: r.status,
    error: r.error,
    reply_to_external_id: r.replyToExternalId,
    created_at: r.createdAt.toISOString(),
  };
}

export function toAnnotations(a: typeof messageAnnotations.$inferSelect): NonNullable<Message["annotations"]> {
  return {
    language: a.language,
    intent: a.intent,
    sentiment: { score: a.sentimentScore, label: a.sentimentLabel as "neutral" },
    urgency: a.urgency,
    priority: a.priority as "P3",
    entities: a.entities,
    source: a.source,
    corrected: a.correctedAt !== null,
  };
}

export function toConversation(r: typeof conversations.$inferSelect): Conversation {
  return {
    id: r.id,
    state: r.state,
    channel_id: r.channelId,
    contact_id: r.contactId,
    assignee_id: r.assigneeId,
    team_id: r.teamId,
    subject: r.subject,
    message_count: r.messageCount,
    last_message_at: iso(r.lastMessageAt),
    last_customer_message_at: iso(r.lastCustomerMessageAt),
    first_response_at: iso(r.firstResponseAt),
    resolved_at: iso(r.resolvedAt),
    language: r.language,
    intent: r.intent,
    sentiment: r.sentimentLabel ? { score: r.sentimentScore, label: r.sentimentLabel } : null,
    priority: (r.priority as Conversation["priority"]) ?? null,
    bot_paused: r.botPausedAt !== null,
    flow: r.flowId && r.flowVersion ? { id: r.flowId, version: r.flowVersion } : null,
    escalation_summary: r.escalationSummary,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    version: r.version,
  };
}

/** A one-line rendering of any content, for inbox previews and search. */
export function contentText(c: MessageContent): string {
  switch (c.type) {
    case "text":
      return c.text;
    case "media":
      return c.caption ?? `[${c.mediaType}]`;
    case "location":
      return `[location${c.name ? `: ${c.name}` : ""}]`;
    case "contacts":
      return `[contact card${c.contacts.length > 1 ? `s ×${c.contacts.length}` : ""}]`;
    case "reaction":
      return c.emoji ? `[reaction ${c.emoji}]` : "[reaction removed]";
    case "unsupported":
      return `[unsupported ${c.providerType} message]`;
    case "email":
      return c.subject && c.text ? `${c.subject}\n\n${c.text}` : c.text || c.subject || "[empty mail]";
  }
}
