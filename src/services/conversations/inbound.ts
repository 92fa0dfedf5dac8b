/**
 * The conversation rules for inbound messages: who the customer is (identity graph), which
 * conversation a message joins (open, reopened or new), and the one statement that stores a batch of a
 * thread's messages with its counters, state change and `message.received` events. The thread Durable
 * Object is the single writer that calls these; it decides when, these decide what.
 */
import { and, desc, eq, gt, ne, sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { contactIdentities, contacts, conversations, type ChannelType, type messages } from "../../db/schema";
import type { InboundMessage } from "../../channels/inbound";
import type { OutboxMessage } from "../../queues/outbox-relay";
import { contentText } from "./model";

/** A resolved conversation can be reopened by the customer for this long; after that a new one starts. */
const REOPEN_WINDOW_DAYS = 7;

export interface InboundThread {
  tenantId: string;
  channelId: string;
  channelType: ChannelType;
  /** The customer's id at the provider (wa_id, Telegram chat id, phone, API sender id, email address). */
  customerId: string;
  threadKey: string;
}

/** A message on its way into Postgres. Its id is fixed when the thread accepts it, so a retry finds it. */
export interface InboundRow {
  id: string;
  message: InboundMessage;
  acceptedAt: number;
}

/** A raw delivery logged with the batch (already made storable by the ingestion verb). */
export interface InboundRaw {
  body: string;
  truncated: boolean;
  headers: Record<string, string>;
  eventType: string;
  receivedAt: number;
  externalIds: string[];
  note?: string;
}

/** Identities a customer's provider id stands for; the first is the thread's own. */
export function identitiesOf(thread: InboundThread, phone?: string): Array<{ kind: string; value: string }> {
  switch (thread.channelType) {
    case "whatsapp":
      return [{ kind: "whatsapp", value: thread.customerId }, ...(phone ? [{ kind: "phone", value: phone }] : [])];
    case "telegram":
      return [{ kind: "telegram", value: thread.customerId }];
    case "twilio_sms":
      return [{ kind: "phone", value: thread.customerId }];
    case "email":
      return [{ kind: "email", value: thread.customerId.toLowerCase() }];
    default:
      // API and web chat ids are only unique within their channel.
      return [{ kind: `${thread.channelType}:${thread.channelId}`, value: thread.customerId }];
  }
}

/**
 * Finds the contact behind these identities or creates one. The unique (tenant, kind, value) key settles
 * races with other threads (same phone on WhatsApp and SMS at once): the loser drops its new contact.
 */
export async function resolveContact(tx: Tx, thread: InboundThread, first: InboundRow): Promise<string> {
  const from = first.message.from;
  const ids = identitiesOf(thread, from.phone);
  const existing = await tx
    .select({ contactId: contactIdentities.contactId, kind: contactIdentities.kind })
    .from(contactIdentities)
    .where(sql`(${contactIdentities.kind}, ${contactIdentities.value}) in (${sql.join(ids.map((i) => sql`(${i.kind}, ${i.value})`), sql`, `)})`);
  if (existing.length > 0) return existing[0]!.contactId;

  const contactId = crypto.randomUUID();
  await tx.insert(contacts).values({
    id: contactId,
    tenantId: thread.tenantId,
    name: from.name ?? null,
    phones: from.phone ? [from.phone] : [],
    emails: thread.channelType === "email" ? [thread.customerId.toLowerCase()] : [],
    externalIds: { [thread.channelType]: thread.customerId },
    language: from.language ?? null,
    lastSeenAt: new Date(first.acceptedAt),
  });
  const claimed = await tx
    .insert(contactIdentities)
    .values(ids.map((i) => ({ tenantId: thread.tenantId, kind: i.kind, value: i.value, contactId })))
    .onConflictDoNothing()
    .returning({ kind: contactIdentities.kind });
  if (claimed.length === ids.length) return contactId;
  // Someone else claimed an identity first: theirs wins, ours is undone within this transaction.
  await tx.delete(contactIdentities).where(eq(contactIdentities.contactId, contactId));
  await tx.delete(contacts).where(eq(contacts.id, contactId));
  const [winner] = await tx
    .select({ contactId: contactIdentities.contactId })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.kind, ids[0]!.kind), eq(contactIdentities.value, ids[0]!.value)));
  return winner!.contactId;
}

/** The thread's live conversation: the open one, a recently resolved one reopened, or a new one. */
export async function resolveConversation(tx: Tx, thread: InboundThread, contactId: string): Promise<string> {
  const [live] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.channelId, thread.channelId), eq(conversations.contactId, contactId), ne(conversations.state, "resolved")))
    .limit(1);
  if (live) return live.id;
  const [recent] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.channelId, thread.channelId),
        eq(conversations.contactId, contactId),
        gt(conversations.resolvedAt, sql`now() - make_interval(days => ${REOPEN_WINDOW_DAYS})`),
      ),
    )
    .orderBy(desc(conversations.resolvedAt))
    .limit(1);
  if (recent) {
    await tx
      .update(conversations)
      .set({ state: "reopened", previousState: "resolved", resolvedAt: null, updatedAt: sql`now()`, version: sql`${conversations.version} + 1` })
      .where(eq(conversations.id, recent.id));
    return recent.id;
  }
  const id = crypto.randomUUID();
  await tx.insert(conversations).values({ id, tenantId: thread.tenantId, channelId: thread.channelId, contactId, threadKey: thread.threadKey, state: "open" });
  return id;
}

export type MessageRow = typeof messages.$inferSelect;

export interface StoredBatch {
  /** Newly stored messages in accept order. */
  inserted: MessageRow[];
  /**
   * Messages of this batch an earlier attempt already committed (same pre-assigned ids): the thread
   * stopped after the commit and before it recorded them. They still belong to their group.
   */
  earlier: Array<{ id: string; externalId: string }>;
  /** The `message.received` outbox events written with them, for publishing right after commit. */
  events: OutboxMessage[];
}

/**
 * One statement for the hot path, built from data-modifying CTEs: insert the messages (the unique
 * (tenant, channel, external id) key drops any already stored; insertion order is accept order, so the
 * sequence is thread order), find the ones an earlier attempt of this batch committed, bump the
 * conversation's counters and state (the customer spoke: whoever waited for them owes an answer; a
 * resolved thread reopens), write one `message.received` event per new message, and log the raw
 * deliveries.
 *
 * The events are written already marked published: the thread object takes them over durably in the
 * same step that retires the batch, and sends them itself (so no second statement marks them). The
 * outbox sweep therefore never sends them twice, and a thread that stopped in between re-sends them.
 */
export function storeBatchStatement(thread: InboundThread, conversationId: string | undefined, rows: InboundRow[], raws: InboundRaw[]): SQL {
  const input = rows.map((r, ord) => ({
    id: r.id,
    external_id: r.message.externalId,
    content: r.message.content,
    text: contentText(r.message.content),
    reply_to: r.message.replyTo ?? null,
    provider_ts: new Date(r.message.timestamp).toISOString(),
    ord,
  }));
  const rawRows = raws.map((r) => ({
    received_at: new Date(r.receivedAt).toISOString(),
    reason: r.note ?? null,
    event_type: r.eventType,
    external_ids: r.externalIds,
    headers: r.headers,
    body: r.body,
    truncated: r.truncated,
  }));
  const conv = sql`${conversationId ?? null}::uuid`;
  return sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
        as i(id uuid, external_id text, content jsonb, text text, reply_to text, provider_ts timestamptz, ord int)
    ),
    m as (
      insert into messages (id, tenant_id, conversation_id, channel_id, direction, sender_type, external_id, content, text, status, reply_to_external_id, provider_timestamp)
      select i.id, ${thread.tenantId}::uuid, ${conv}, ${thread.channelId}::uuid, 'inbound', 'customer', i.external_id, i.content, i.text, 'received', i.reply_to, i.provider_ts
      from input i where ${conv} is not null order by i.ord
      on conflict (tenant_id, channel_id, external_id) do nothing
      returning *
    ),
    earlier as (
      select e.id, e.external_id from messages e join input i on i.id = e.id
      where e.tenant_id = ${thread.tenantId}::uuid and e.channel_id = ${thread.channelId}::uuid
    ),
    c as (
      update conversations set
        message_count = message_count + (select count(*) from m),
        last_message_at = (select max(created_at) from m),
        last_customer_message_at = (select max(created_at) from m),
        previous_state = case when state in ('awaiting_customer', 'open', 'resolved') then state else previous_state end,
        state = case when state in ('awaiting_customer', 'open') then 'awaiting_agent' when state = 'resolved' then 'reopened' else state end,
        resolved_at = null,
        updated_at = now(),
        version = version + 1
      where id = ${conv} and exists (select 1 from m)
      returning id
    ),
    o as (
      insert into outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, payload, published_at)
      select gen_random_uuid(), ${thread.tenantId}::uuid, 'message.received', 'message', m.id::text,
        jsonb_build_object('message_id', m.id, 'conversation_id', m.conversation_id, 'channel_id', m.channel_id), now()
      from m
      returning *
    ),
    -- Events of the earlier attempt's messages: that attempt stopped before handing them to the thread
    -- to send (see the thread object), so they go now.
    oe as (
      select o2.* from outbox_events o2 join earlier on o2.aggregate_id = earlier.id::text
      where o2.tenant_id = ${thread.tenantId}::uuid and o2.type = 'message.received' and o2.aggregate_type = 'message'
    ),
    r as (
      insert into channel_events (tenant_id, channel_id, received_at, verdict, reason, event_type, external_ids, headers, body, body_truncated)
      select ${thread.tenantId}::uuid, ${thread.channelId}::uuid, x.received_at, 'accepted', x.reason, x.event_type,
        array(select jsonb_array_elements_text(x.external_ids)), x.headers, x.body, x.truncated
      from jsonb_to_recordset(${JSON.stringify(rawRows)}::jsonb)
        as x(received_at timestamptz, reason text, event_type text, external_ids jsonb, headers jsonb, body text, truncated boolean)
      returning 1
    )
    select
      (select coalesce(jsonb_agg(to_jsonb(m) order by m.sequence), '[]'::jsonb) from m) as messages,
      (select coalesce(jsonb_agg(jsonb_build_object('id', earlier.id, 'externalId', earlier.external_id)), '[]'::jsonb) from earlier) as earlier,
      (select coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'tenant_id', x.tenant_id, 'type', x.type, 'aggregate_type', x.aggregate_type,
        'aggregate_id', x.aggregate_id, 'payload', x.payload, 'created_at', x.created_at)), '[]'::jsonb)
        from (select * from o union all select * from oe) x) as events,
      (select count(*) from c) as conversations_updated,
      (select count(*) from r) as raw_logged
  `;
}

export type StoreBatchRow = { messages: Array<Record<string, unknown>>; earlier: StoredBatch["earlier"]; events: OutboxMessage[] };

export function toStoredBatch(row: StoreBatchRow): StoredBatch {
  return { inserted: row.messages.map(toRow), earlier: row.earlier, events: row.events };
}

/** Where the set-aside record of a message Postgres refused goes: the channel's event log, visibly. */
export function setAsideStatement(thread: InboundThread, row: InboundRow, reason: string): SQL {
  const body = JSON.stringify({ external_id: row.message.externalId, from: row.message.from, timestamp: row.message.timestamp, content: row.message.content });
  return sql`
    insert into channel_events (tenant_id, channel_id, received_at, verdict, reason, event_type, external_ids, headers, body, body_truncated)
    values (${thread.tenantId}::uuid, ${thread.channelId}::uuid, ${new Date(row.acceptedAt).toISOString()}::timestamptz, 'rejected',
      ${reason}, 'message', array[${row.message.externalId}]::text[], '{}'::jsonb, ${body}, false)
  `;
}

function toRow(j: Record<string, unknown>): MessageRow {
  const date = (v: unknown) => (v ? new Date(v as string) : null);
  return {
    id: j.id as string,
    tenantId: j.tenant_id as string,
    conversationId: j.conversation_id as string,
    channelId: j.channel_id as string,
    direction: j.direction as MessageRow["direction"],
    senderType: j.sender_type as MessageRow["senderType"],
    senderId: (j.sender_id as string | null) ?? null,
    externalId: (j.external_id as string | null) ?? null,
    content: j.content as Record<string, unknown>,
    text: (j.text as string | null) ?? null,
    status: j.status as MessageRow["status"],
    error: (j.error as string | null) ?? null,
    replyToExternalId: (j.reply_to_external_id as string | null) ?? null,
    providerTimestamp: date(j.provider_timestamp),
    sequence: Number(j.sequence),
    createdAt: date(j.created_at)!,
    updatedAt: date(j.updated_at)!,
    sendClaimedUntil: date(j.send_claimed_until),
  };
}
