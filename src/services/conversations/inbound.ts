/**
 * The conversation rules for inbound messages: who the customer is (identity graph), which
 * conversation a message joins (open, reopened or new), and the one statement that stores a batch of a
 * thread's messages with its counters, state change and `message.received` events. The thread Durable
 * Object is the single writer that calls these; it decides when, these decide what.
 */
import { sql, type SQL } from "drizzle-orm";
import type { ChannelType, messages } from "../../db/schema";
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

/** Where the resolution statements leave their answers for the ones after them (transaction-local). */
const CONTACT_SETTING = "parley.resolved_contact";
const CONVERSATION_SETTING = "parley.resolved_conversation";

/** The conversation the resolution statements settled on, for the store statement after them. */
export const resolvedConversation = sql`nullif(current_setting(${CONVERSATION_SETTING}, true), '')::uuid`;

export type ResolvedThreadRow = { contact_id: string; conversation_id: string };

/**
 * A new thread's contact and conversation, as statements that need no answer in between, so they run
 * in one round trip with the store statement after them (`resolvedConversation` names the result).
 * Each statement of the transaction takes a fresh snapshot, which is what makes the race with another
 * thread of the same customer (the same phone on WhatsApp and SMS at once) safe:
 *
 * 1. a provisional contact is inserted, only if none of the identities is known yet;
 * 2. every identity not yet claimed is claimed for the contact of the first identity already known, or
 *    the provisional one. The unique (tenant, kind, value) key settles a race: a claim another thread
 *    holds uncommitted waits for it and then yields;
 * 3. if another contact owns any of the identities now, it wins: what the provisional contact claimed
 *    moves to it (one customer, one contact, with all their ids) and
 * 4. the provisional contact, left with no identity, goes; the thread's contact is whoever owns its own
 *    identity (the first);
 * 5. the thread's live conversation: the open one, a recently resolved one reopened, or a new one
 *    (the live-conversation key settles two threads of one contact on one channel starting it at once).
 */
export function resolveThreadStatements(thread: InboundThread, first: InboundRow): SQL[] {
  const from = first.message.from;
  const ids = identitiesOf(thread, from.phone);
  const provisional = crypto.randomUUID();
  const conversationId = crypto.randomUUID();
  const t = sql`${thread.tenantId}::uuid`;
  const p = sql`${provisional}::uuid`;
  const idList = sql.join(ids.map((i, n) => sql`(${i.kind}::text, ${i.value}::text, ${n}::int)`), sql`, `);
  const known = sql`select ci.contact_id, i.n from contact_identities ci join (values ${idList}) as i(kind, value, n) on ci.kind = i.kind and ci.value = i.value where ci.tenant_id = ${t}`;
  return [
    sql`insert into contacts (id, tenant_id, name, phones, emails, external_ids, language, last_seen_at)
      select ${p}, ${t}, ${from.name ?? null}::text, array(select jsonb_array_elements_text(${JSON.stringify(from.phone ? [from.phone] : [])}::jsonb)),
        array(select jsonb_array_elements_text(${JSON.stringify(thread.channelType === "email" ? [thread.customerId.toLowerCase()] : [])}::jsonb)),
        ${JSON.stringify({ [thread.channelType]: thread.customerId })}::jsonb, ${from.language ?? null}::text, ${new Date(first.acceptedAt).toISOString()}::timestamptz
      where not exists (${known})`,
    sql`insert into contact_identities (tenant_id, kind, value, contact_id)
      select ${t}, i.kind, i.value, coalesce((select k.contact_id from (${known}) k order by k.n limit 1), ${p})
      from (values ${idList}) as i(kind, value, n)
      order by i.n
      on conflict (tenant_id, kind, value) do nothing`,
    sql`update contact_identities set contact_id = (select k.contact_id from (${known}) k where k.contact_id <> ${p} order by k.n limit 1)
      where tenant_id = ${t} and contact_id = ${p} and exists (select 1 from (${known}) k where k.contact_id <> ${p})`,
    sql`with gone as (
        delete from contacts where id = ${p} and tenant_id = ${t} and not exists (select 1 from contact_identities where contact_id = ${p})
      )
      select set_config(${CONTACT_SETTING}, (select k.contact_id::text from (${known}) k order by k.n limit 1), true)`,
    sql`with c as (select nullif(current_setting(${CONTACT_SETTING}, true), '')::uuid as id),
      live as (
        select id from conversations
        where channel_id = ${thread.channelId}::uuid and contact_id = (select id from c) and state <> 'resolved'
        limit 1
      ),
      recent as (
        select id from conversations
        where channel_id = ${thread.channelId}::uuid and contact_id = (select id from c)
          and resolved_at > now() - make_interval(days => ${REOPEN_WINDOW_DAYS}) and not exists (select 1 from live)
        order by resolved_at desc
        limit 1
      ),
      reopened as (
        update conversations set state = 'reopened', previous_state = 'resolved', resolved_at = null, updated_at = now(), version = version + 1
        where id in (select id from recent)
        returning id
      ),
      created as (
        insert into conversations (id, tenant_id, channel_id, contact_id, thread_key, state)
        select ${conversationId}::uuid, ${t}, ${thread.channelId}::uuid, (select id from c), ${thread.threadKey}, 'open'
        where not exists (select 1 from live) and not exists (select 1 from recent)
        on conflict (tenant_id, channel_id, contact_id) where state <> 'resolved' do nothing
        returning id
      )
      select set_config(${CONVERSATION_SETTING}, coalesce((select id from live), (select id from reopened), (select id from created))::text, true)`,
    // Two threads of one contact on one channel (an address written two ways) racing to start its
    // conversation: the loser's insert yielded to the winner's, which this fresh snapshot sees.
    sql`select nullif(current_setting(${CONTACT_SETTING}, true), '')::uuid as contact_id,
      set_config(${CONVERSATION_SETTING}, coalesce(nullif(current_setting(${CONVERSATION_SETTING}, true), ''),
        (select id::text from conversations where channel_id = ${thread.channelId}::uuid and state <> 'resolved'
          and contact_id = nullif(current_setting(${CONTACT_SETTING}, true), '')::uuid limit 1)), true) as conversation_id`,
  ];
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
export function storeBatchStatement(thread: InboundThread, conversationId: string | SQL | undefined, rows: InboundRow[], raws: InboundRaw[]): SQL {
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
  // A conversation id, or (a new thread) the expression naming the one the statements before settled on.
  const conv = typeof conversationId === "object" ? sql`(${conversationId})` : sql`${conversationId ?? null}::uuid`;
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
