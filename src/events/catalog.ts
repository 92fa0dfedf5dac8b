import { z } from "zod";

/**
 * Every outbox event type Parley emits, its payload, and who consumes it: a key of OUTBOX_HANDLERS
 * (src/queues/handlers.ts), or `unconsumed` with the reason nothing needs to. emitEvent/emitEvents accept
 * only these types, and test/event-catalog.test.ts fails when a type emitted anywhere in the source (SQL
 * included) is missing here, or when one has neither a consumer nor a reason. Payloads are what
 * consumers may rely on; the loose ones carry extra change fields, named in the audit row too.
 */

const id = z.string().min(1);
const messageRef = z.object({ message_id: id, conversation_id: id, channel_id: id });
/** A before/after pair of one field, as the update events carry them. */
const changes = z.record(z.string(), z.unknown());

interface CatalogEntry {
  payload: z.ZodType<Record<string, unknown>>;
  /** The OUTBOX_HANDLERS key that consumes it (the test checks it is registered). */
  consumer?: "handler";
  /** Why nothing consumes it (yet): it is kept in the outbox for webhooks/export. */
  unconsumed?: string;
}

const FOR_SUBSCRIBERS = "domain record for outgoing webhooks and export; no internal consumer";

export const EVENT_CATALOG = {
  "tenant.created": { payload: z.object({ slug: z.string(), owner_id: id }), unconsumed: FOR_SUBSCRIBERS },

  "message.received": { payload: messageRef, consumer: "handler" }, // SLA clocks and automation rules (services/automation/consumer.ts)
  "message.outbound": { payload: messageRef, consumer: "handler" },
  "message.sent": { payload: messageRef, consumer: "handler" },
  "message.failed": { payload: messageRef.extend({ error: z.string() }), unconsumed: "the message row already carries the failure; shown in the inbox" },
  "message_group.ready": {
    payload: z.object({ group_id: id, conversation_id: id, contact_id: id, channel_id: id, thread_key: z.string(), message_ids: z.array(id) }),
    consumer: "handler",
  },

  "conversation.state_changed": { payload: z.object({ conversation_id: id, from: z.string(), to: z.string() }), consumer: "handler" },
  "conversation.assigned": { payload: z.object({ conversation_id: id, assignee_id: id.nullable() }), consumer: "handler" },

  // SLA clocks: each fires once per metric and clock cycle (sla_events' unique key); automation rules consume them.
  "sla.warning": { payload: z.object({ conversation_id: id, metric: z.string(), policy_id: id.nullable(), due_at: z.string(), sla_event_id: id }), consumer: "handler" },
  "sla.breached": { payload: z.object({ conversation_id: id, metric: z.string(), policy_id: id.nullable(), due_at: z.string(), sla_event_id: id }), consumer: "handler" },
  // An automation rule's send_webhook action, sent (signed) by its own consumer after the rule's commit.
  "automation.webhook": {
    payload: z.object({ rule_id: id, run_id: id, url: z.string(), conversation_id: id.nullable(), event_id: z.string(), scope: z.record(z.string(), z.unknown()) }),
    consumer: "handler",
  },

  "channel.created": { payload: z.looseObject({ channel_id: id }), unconsumed: FOR_SUBSCRIBERS },
  "channel.updated": { payload: z.looseObject({ channel_id: id }), unconsumed: `channel caches expire by TTL; ${FOR_SUBSCRIBERS}` },
  "channel.deleted": { payload: z.looseObject({ channel_id: id }), unconsumed: FOR_SUBSCRIBERS },

  "contact.created": { payload: z.looseObject({ contact_id: id }), unconsumed: FOR_SUBSCRIBERS },
  "contact.updated": { payload: z.looseObject({ contact_id: id }), consumer: "handler" }, // customer.updated automation rules
  "contact.deleted": { payload: z.looseObject({ contact_id: id }), unconsumed: FOR_SUBSCRIBERS },
  "contact.merged": { payload: z.looseObject({ contact_id: id }), unconsumed: FOR_SUBSCRIBERS },

  "member.invited": { payload: z.looseObject({ user_id: id }), unconsumed: `the invitation mail is sent by the request itself; ${FOR_SUBSCRIBERS}` },
  "member.role_changed": { payload: z.looseObject({ user_id: id }), unconsumed: FOR_SUBSCRIBERS },
  "member.removed": { payload: z.looseObject({ user_id: id }), unconsumed: `sessions are revoked in the same transaction; ${FOR_SUBSCRIBERS}` },

  "ticket.created": {
    payload: z.object({ ticket_id: id, ticket_number: z.string(), conversation_id: id.nullable(), contact_id: id.nullable(), priority: z.string() }),
    unconsumed: FOR_SUBSCRIBERS,
  },
  "ticket.updated": { payload: z.object({ ticket_id: id, ticket_number: z.string(), changes }), unconsumed: FOR_SUBSCRIBERS },

  "reservation.created": {
    payload: z.object({
      reservation_id: id,
      confirmation_code: z.string(),
      contact_id: id.nullable(),
      conversation_id: id.nullable(),
      slot_date: z.string(),
      slot_time: z.string(),
      location_name: z.string().nullable(),
    }),
    unconsumed: FOR_SUBSCRIBERS,
  },
  "reservation.updated": { payload: z.object({ reservation_id: id, confirmation_code: z.string(), changes }), unconsumed: FOR_SUBSCRIBERS },

  "escalation.created": {
    payload: z.object({ escalation_id: id, conversation_id: id, ticket_id: id.nullable(), reason: z.string().nullable(), priority: z.string(), requested_team_id: id.nullable() }),
    unconsumed: `agents see escalations in the inbox queue; ${FOR_SUBSCRIBERS}`,
  },
  "escalation.updated": { payload: z.object({ escalation_id: id, conversation_id: id, changes }), unconsumed: FOR_SUBSCRIBERS },
  // The plan refused a bot turn's replies (services/bot/answer.ts): nothing was sent and the conversation escalated.
  "bot.reply_withheld": { payload: z.object({ conversation_id: id, reason: z.string(), replies: z.number().int() }), unconsumed: `the escalation it comes with shows it in the inbox; ${FOR_SUBSCRIBERS}` },

  // Knowledge: the indexing pipeline runs once per document version; deletion takes the vectors out of the index.
  "knowledge_document.submitted": { payload: z.object({ document_id: id, version: z.number().int().positive() }), consumer: "handler" },
  "knowledge_document.deleted": { payload: z.object({ document_id: id, chunk_ids: z.array(id) }), consumer: "handler" },
  "knowledge_document.updated": { payload: z.object({ document_id: id, changes }), unconsumed: `activation and category take effect in Postgres at once; ${FOR_SUBSCRIBERS}` },

  // Billable units the usage meter counts (services/billing/usage.ts METERED_EVENTS); their producers
  // (AI answers, knowledge search) emit them as those features land.
  "ai.call": { payload: z.looseObject({}), consumer: "handler" },
  "knowledge.query": { payload: z.looseObject({}), consumer: "handler" },
} satisfies Record<`${string}.${string}`, CatalogEntry>;

export type EventType = keyof typeof EVENT_CATALOG;
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_CATALOG)[T]["payload"]>;

export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOG, type);
}

/** An event as written to the outbox: its type from the catalog and that type's payload. */
export type OutboxEventInput = {
  [T in EventType]: { tenantId: string; type: T; aggregateType: string; aggregateId: string; payload: EventPayload<T> };
}[EventType];
