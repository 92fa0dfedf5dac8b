import { and, desc, eq, gt, ne, sql } from "drizzle-orm";
import type { Tx } from "../../src/db/client";
import { contactIdentities, contacts, conversations, messages } from "../../src/db/schema";
import type { OutboxMessage } from "../../src/queues/outbox-relay";
import { contentText } from "../../src/services/conversations/model";
import type { PendingMessage, RawDelivery, ThreadMeta } from "./types";

/** A resolved conversation can be reopened by the customer for this long; after that a new one starts. */
const REOPEN_WINDOW_DAYS = 7;

/** Identities a customer's provider id stands for; the first is the thread's own. */
export function identitiesOf(meta: ThreadMeta, phone?: string): Array<{ kind: string; value: string }> {
  switch (meta.channelType) {
    case "whatsapp":
      return [{ kind: "whatsapp", value: meta.customerId }, ...(phone ? [{ kind: "phone", value: phone }] : [])];
    case "telegram":
      return [{ kind: "telegram", value: meta.customerId }];
    case "twilio_sms":
      return [{ kind: "phone", value: meta.customerId }];
    default:
      // API and web chat ids are only unique within their channel.
      return [{ kind: `${meta.channelType}:${meta.channelId}`, value: meta.customerId }];
  }
}

/**
 * Finds the contact behind these identities or creates one. The unique (tenant, kind, value) key settles
 * races with other threads (same phone on WhatsApp and SMS at once): the loser drops its new contact.
 */
async function resolveContact(tx: Tx, meta: ThreadMeta, first: PendingMessage): Promise<string> {
  const from = first.message.from;
  const ids = identitiesOf(meta, from.phone);
  const existing = await tx
    .select({ contactId: contactIdentities.contactId, kind: contactIdentities.kind })
    .from(contactIdentities)
    .where(sql`(${contactIdentities.kind}, ${contactIdentities.value}) in (${sql.join(ids.map((i) => sql`(${i.kind}, ${i.value})`), sql`, `)})`);
  if (existing.length > 0) return existing[0]!.contactId;

  const contactId = crypto.randomUUID();
  await tx.insert(contacts).values({
    id: contactId,
    tenantId: meta.tenantId,
    name: from.name ?? null,
    phones: from.phone ? [from.phone] : [],
    externalIds: { [meta.channelType]: meta.customerId },
    language: from.language ?? null,
    lastSeenAt: new Date(first.acceptedAt),
  });
  const claimed = await tx
    .insert(contactIdentities)
    .values(ids.map((i) => ({ tenantId: meta.tenantId, kind: i.kind, value: i.value, contactId })))
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
async function resolveConversation(tx: Tx, meta: ThreadMeta, contactId: string): Promise<string> {
  const [live] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.channelId, meta.channelId), eq(conversations.contactId, contactId), ne(conversations.state, "resolved")))
    .limit(1);
  if (live) return live.id;
  const [recent] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.channelId, meta.channelId),
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
  await tx.insert(conversations).values({ id, tenantId: meta.tenantId, channelId: meta.channelId, contactId, threadKey: meta.threadKey, state: "open" });
  return id;
}

export interface PersistResult {
  contactId: string;
  conversationId: string;
  /** Newly stored messages in accept order; provider duplicates already in Postgres are left out. */
  inserted: Array<typeof messages.$inferSelect>;
  /** The `message.received` outbox events written with them, for publishing right after commit. */
  events: OutboxMessage[];
}

export interface KnownThread {
  contactId: string;
  conversationId: string;
}

/**
 * Writes a thread's pending messages and raw deliveries in one transaction. Resolving the contact and
 * conversation costs queries only when the object does not know them yet (`known`); the write itself is
 * one statement (see writeBatch).
 */
export async function persistPending(tx: Tx, meta: ThreadMeta, pending: PendingMessage[], raws: RawDelivery[], known?: KnownThread): Promise<PersistResult | undefined> {
  if (pending.length === 0) {
    await writeBatch(tx, meta, undefined, [], raws);
    return undefined;
  }
  const contactId = known?.contactId ?? (await resolveContact(tx, meta, pending[0]!));
  const conversationId = known?.conversationId ?? (await resolveConversation(tx, meta, contactId));
  const { inserted, events } = await writeBatch(tx, meta, conversationId, pending, raws);
  return { contactId, conversationId, inserted, events };
}

type MessageRow = typeof messages.$inferSelect;

/**
 * One statement for the hot path, built from data-modifying CTEs: insert the messages (the unique
 * (tenant, channel, external id) key drops any already stored; insertion order is accept order, so the
 * sequence is thread order), bump the conversation's counters and state (a resolved one reopens), write
 * one `message.received` outbox event per new message, and log the raw deliveries. All under the
 * transaction's RLS scope.
 */
async function writeBatch(tx: Tx, meta: ThreadMeta, conversationId: string | undefined, pending: PendingMessage[], raws: RawDelivery[]) {
  const input = pending.map((p, ord) => ({
    id: crypto.randomUUID(),
    external_id: p.message.externalId,
    content: p.message.content,
    text: contentText(p.message.content),
    reply_to: p.message.replyTo ?? null,
    provider_ts: new Date(p.message.timestamp).toISOString(),
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
  const result = await tx.execute<{ messages: Array<Record<string, unknown>>; events: OutboxMessage[] }>(sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
        as i(id uuid, external_id text, content jsonb, text text, reply_to text, provider_ts timestamptz, ord int)
    ),
    m as (
      insert into messages (id, tenant_id, conversation_id, channel_id, direction, sender_type, external_id, content, text, status, reply_to_external_id, provider_timestamp)
      select i.id, ${meta.tenantId}::uuid, ${conversationId ?? null}::uuid, ${meta.channelId}::uuid, 'inbound', 'customer', i.external_id, i.content, i.text, 'received', i.reply_to, i.provider_ts
      from input i where ${conversationId ?? null}::uuid is not null order by i.ord
      on conflict (tenant_id, channel_id, external_id) do nothing
      returning *
    ),
    c as (
      update conversations set
        message_count = message_count + (select count(*) from m),
        last_message_at = (select max(created_at) from m),
        last_customer_message_at = (select max(created_at) from m),
        previous_state = case when state in ('awaiting_customer', 'open', 'resolved') then state else previous_state end,
        -- The customer spoke: whoever was waiting for them now owes an answer; a resolved thread reopens.
        state = case when state in ('awaiting_customer', 'open') then 'awaiting_agent' when state = 'resolved' then 'reopened' else state end,
        resolved_at = null,
        updated_at = now(),
        version = version + 1
      where id = ${conversationId ?? null}::uuid and exists (select 1 from m)
      returning id
    ),
    o as (
      insert into outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, payload)
      select gen_random_uuid(), ${meta.tenantId}::uuid, 'message.received', 'message', m.id::text,
        jsonb_build_object('message_id', m.id, 'conversation_id', m.conversation_id, 'channel_id', m.channel_id)
      from m
      returning *
    ),
    r as (
      insert into channel_events (tenant_id, channel_id, received_at, verdict, reason, event_type, external_ids, headers, body, body_truncated)
      select ${meta.tenantId}::uuid, ${meta.channelId}::uuid, x.received_at, 'accepted', x.reason, x.event_type,
        array(select jsonb_array_elements_text(x.external_ids)), x.headers, x.body, x.truncated
      from jsonb_to_recordset(${JSON.stringify(rawRows)}::jsonb)
        as x(received_at timestamptz, reason text, event_type text, external_ids jsonb, headers jsonb, body text, truncated boolean)
      returning 1
    )
    select
      (select coalesce(jsonb_agg(to_jsonb(m) order by m.sequence), '[]'::jsonb) from m) as messages,
      (select coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'tenant_id', o.tenant_id, 'type', o.type, 'aggregate_type', o.aggregate_type,
        'aggregate_id', o.aggregate_id, 'payload', o.payload, 'created_at', o.created_at)), '[]'::jsonb) from o) as events,
      (select count(*) from c) as conversations_updated,
      (select count(*) from r) as raw_logged
  `);
  const row = result.rows[0]!;
  return { inserted: row.messages.map(toRow), events: row.events };
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
  };
}
