import { sql } from "drizzle-orm";
import { bigserial, boolean, check, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts";
import { tenants, users } from "./tenancy";

export const CHANNEL_TYPES = ["whatsapp", "telegram", "twilio_sms", "webchat", "api", "email"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** A connected inbox. Credentials are AES-GCM ciphertext (key id kept for rotation), never returned. */
export const channels = pgTable(
  "channels",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    type: text("type", { enum: CHANNEL_TYPES }).notNull(),
    /** The flow this channel runs (a foreign key on (tenant_id, flow_id), see 0008); null: the workspace default. */
    flowId: uuid("flow_id"),
    name: text("name").notNull(),
    /** Non-secret settings (phone number id, bot username, allowed web chat origins...). */
    config: jsonb("config").$type<Record<string, unknown>>().notNull().default({}),
    credentialsCiphertext: text("credentials_ciphertext"),
    credentialsKeyId: text("credentials_key_id"),
    debounceMs: integer("debounce_ms").notNull().default(15000),
    maxWaitMs: integer("max_wait_ms").notNull().default(60000),
    /** New conversations on this channel belong to this team (0014). */
    defaultTeamId: uuid("default_team_id"),
    status: text("status", { enum: ["active", "disabled"] }).notNull().default("active"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    index("channels_tenant_idx").on(t.tenantId, t.createdAt),
    check("channels_type_check", sql`${t.type} in ('whatsapp','telegram','twilio_sms','webchat','api','email')`),
    check("channels_debounce_check", sql`${t.debounceMs} between 0 and 600000 and ${t.maxWaitMs} >= ${t.debounceMs}`),
  ],
);

/**
 * Identity graph: each (kind, value) — a phone, an email, a provider user id — belongs to exactly one
 * contact per tenant. The unique key is what makes concurrent first messages resolve to one contact.
 */
export const contactIdentities = pgTable(
  "contact_identities",
  {
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    value: text("value").notNull(),
    contactId: uuid("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("contact_identities_key").on(t.tenantId, t.kind, t.value), index("contact_identities_contact_idx").on(t.contactId)],
);

export const CONVERSATION_STATES = ["open", "awaiting_customer", "awaiting_agent", "escalated", "resolved", "reopened"] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];

export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    /** The Durable Object that owns this thread: `<channel id>:<customer id at the provider>`. */
    threadKey: text("thread_key").notNull(),
    state: text("state", { enum: CONVERSATION_STATES }).notNull().default("open"),
    previousState: text("previous_state", { enum: CONVERSATION_STATES }),
    assigneeId: uuid("assignee_id").references(() => users.id, { onDelete: "set null" }),
    /** The team that owns it (0014; composite foreign key on tenant_id): routing assigns within it. */
    teamId: uuid("team_id"),
    subject: text("subject"),
    messageCount: integer("message_count").notNull().default(0),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true, precision: 3 }),
    lastCustomerMessageAt: timestamp("last_customer_message_at", { withTimezone: true }),
    lastAgentMessageAt: timestamp("last_agent_message_at", { withTimezone: true }),
    firstResponseAt: timestamp("first_response_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    /** The latest understanding of the customer (see message_annotations). */
    language: text("language"),
    intent: text("intent"),
    sentimentLabel: text("sentiment_label"),
    sentimentScore: real("sentiment_score"),
    priority: text("priority"),
    /** Set by an agent's reply or assignment: the bot stays quiet here from then on. */
    botPausedAt: timestamp("bot_paused_at", { withTimezone: true }),
    /** The flow version this conversation runs, pinned when the bot first answers it. */
    flowId: uuid("flow_id"),
    flowVersion: integer("flow_version"),
    escalationSummary: text("escalation_summary"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    // At most one live conversation per thread; a resolved one may be followed by a new one.
    uniqueIndex("conversations_live_thread_key").on(t.tenantId, t.channelId, t.contactId).where(sql`state <> 'resolved'`),
    index("conversations_inbox_idx").on(t.tenantId, t.state, t.lastMessageAt),
    check("conversations_state_check", sql`${t.state} in ('open','awaiting_customer','awaiting_agent','escalated','resolved','reopened')`),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    direction: text("direction", { enum: ["inbound", "outbound"] }).notNull(),
    senderType: text("sender_type", { enum: ["customer", "agent", "bot", "system"] }).notNull(),
    senderId: uuid("sender_id"),
    /** The provider's id: inbound dedupe key, and for outbound the id the provider gave on send. */
    externalId: text("external_id"),
    content: jsonb("content").$type<Record<string, unknown>>().notNull(),
    /** Plain-text rendering for lists and search. */
    text: text("text"),
    status: text("status", { enum: ["received", "pending", "sent", "delivered", "read", "failed"] }).notNull(),
    error: text("error"),
    replyToExternalId: text("reply_to_external_id"),
    providerTimestamp: timestamp("provider_timestamp", { withTimezone: true }),
    /** Order within the conversation, assigned by its single writer (the thread's Durable Object). */
    sequence: bigserial("sequence", { mode: "number" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** An outbound send in progress until then (see queues/senders/outbound.ts): no row lock is held over the provider call. */
    sendClaimedUntil: timestamp("send_claimed_until", { withTimezone: true }),
  },
  (t) => [
    // Providers retry for days: the database, not memory, is the last word on duplicates.
    uniqueIndex("messages_external_key").on(t.tenantId, t.channelId, t.externalId),
    index("messages_conversation_idx").on(t.conversationId, t.sequence),
  ],
);

/** Debounce groups: rapid messages from one customer answered once (seed 004 message_groups). */
export const messageGroups = pgTable(
  "message_groups",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    messageIds: uuid("message_ids").array().notNull(),
    status: text("status", { enum: ["ready", "processed"] }).notNull().default("ready"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    completedAt: timestamp("completed_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("message_groups_conversation_idx").on(t.conversationId, t.createdAt)],
);

/** Raw log of every webhook delivery, accepted or rejected, with the reason: what the tenant can replay. */
export const channelEvents = pgTable(
  "channel_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id").notNull().references(() => channels.id, { onDelete: "cascade" }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    verdict: text("verdict", { enum: ["accepted", "rejected", "ignored"] }).notNull(),
    reason: text("reason"),
    eventType: text("event_type"),
    externalIds: text("external_ids").array().notNull().default(sql`'{}'::text[]`),
    /** Request headers that matter for replay and debugging; signature values are never kept. */
    headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
    body: text("body").notNull(),
    bodyTruncated: boolean("body_truncated").notNull().default(false),
  },
  (t) => [index("channel_events_channel_idx").on(t.tenantId, t.channelId, t.receivedAt)],
);
