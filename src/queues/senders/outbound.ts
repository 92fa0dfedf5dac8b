import { and, asc, desc, eq, getTableColumns, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { threadStub } from "../../../durable-objects/conversation-thread/client";
import { EmailBuildError } from "../../channels/email/build";
import type { EmailContent } from "../../channels/email/parse";
import { SENDERS, ProviderError } from "../../channels/senders";
import { sendEmailReply } from "../../channels/senders/email-reply";
import { channels, contactIdentities, conversations, messages, tenants } from "../../db/schema";
import { AppError, unauthorized } from "../../lib/errors";
import { credentialsAad, decryptCredentials } from "../../services/channels/credentials";
import { toMessage } from "../../services/conversations/model";
import type { ServiceContext } from "../../services/context";
import type { LiveEvent, SentOutcome } from "../../../durable-objects/conversation-thread/types";
import type { OutboxHandler } from "../outbox-consumer";
import { markPublished } from "../outbox-relay";

const Payload = z.object({ message_id: z.string().uuid(), conversation_id: z.string().uuid(), channel_id: z.string().uuid() });

// Channels whose replies reach the customer over the conversation's live socket, not a provider call.
const LIVE_ONLY = new Set(["api", "webchat"]);

type Outcome = { status: "sent"; externalId: string | null } | { status: "failed"; error: string };

/** How long a claimed send may take before another delivery of the event may try again. */
const CLAIM_SECONDS = 60;

/** A send someone else has claimed and not finished: the queue tries again after the claim lapses. */
class SendInProgress extends Error {
  constructor() {
    super("another delivery of this message is in progress");
  }
}

/**
 * Delivers one pending outbound message (`message.outbound`) to its channel's provider (the queue
 * consumer; the bot's replies are first tried from their thread object, see sendOutbound), in three steps
 * so that no row lock is held while the provider answers (up to 15 s):
 * 1. claim (claimSend, one round trip with the reads the call needs): the pending message is marked as
 *    being sent until now + CLAIM_SECONDS; a second delivery of the event (redelivery, a concurrent
 *    consumer) finds the claim and retries later, or finds the message no longer pending and does
 *    nothing — one provider request per message;
 * 2. call the provider outside any transaction;
 * 3. record the outcome with its `message.sent` / `message.failed` event in one transaction (one round
 *    trip, see record). No step opens a database connection.
 * Permanent provider errors fail the message; transient ones (429, 5xx, network) release the claim and
 * throw, so the queue retries with backoff, then dead-letters.
 */
export const deliverOutbound: OutboxHandler = async ({ ctx, event }) => {
  const payload = Payload.safeParse(event.payload);
  if (!payload.success) {
    // A malformed event never becomes valid: log it and let it be acknowledged.
    ctx.log.error("message.outbound with a malformed payload", { event_id: event.id });
    return;
  }
  await sendOutbound(ctx, payload.data.message_id, (tenantId, threadKey) => threadStub(ctx.env, tenantId, threadKey));
};

/** What a send needs of its conversation's thread object: the stub from a consumer, the object itself inside it. */
export interface SendThread {
  rememberSend(messageId: string, outcome: SentOutcome): Promise<void>;
  rememberedSend(messageId: string): Promise<SentOutcome | undefined>;
  forgetSend(messageId: string): Promise<void>;
  notify(event: LiveEvent): Promise<void>;
}

/**
 * Claim, call, record (see deliverOutbound) for one outbound message. `eventId`: its `message.outbound`
 * event, when the caller sends it without the queue (the thread object, right after the bot's turn):
 * the record marks that event published, so the sweep sends it on only when this never got that far.
 */
export async function sendOutbound(ctx: ServiceContext, messageId: string, threadOf: (tenantId: string, threadKey: string) => SendThread, eventId?: string): Promise<void> {
  const claimed = await claimSend(ctx, messageId);
  if (!claimed) return;
  const thread = threadOf(claimed.row.message.tenantId, claimed.row.conversation.threadKey);
  // A claim that lapsed means an earlier attempt stopped between its claim and its record: if the
  // provider had answered, the answer waits beside the conversation and is recorded, not sent again.
  const remembered = claimed.lapsed ? await thread.rememberedSend(messageId) : undefined;
  let outcome: Outcome;
  try {
    outcome = remembered ?? (claimed.prepared.kind === "done" ? claimed.prepared.outcome : await call(ctx, claimed.row, claimed.prepared));
  } catch (err) {
    await ctx.db.batch({ tenantId: ctx.tenantId! }, (q) => [q.update(messages).set({ sendClaimedUntil: null }).where(eq(messages.id, messageId))] as const).catch(() => {});
    throw err;
  }
  const updated = await recordOutcome(ctx, claimed.row, outcome, thread, eventId);
  if (remembered) await thread.forgetSend(messageId).catch(() => {});
  if (updated) {
    await thread
      .notify({ type: "message.updated", conversation_id: updated.conversationId, message: toMessage(updated) })
      .catch((err: unknown) => ctx.log.warn("live update failed", { message_id: messageId, error: String(err) }));
  }
}

type Row = { message: typeof messages.$inferSelect; conversation: typeof conversations.$inferSelect; channel: typeof channels.$inferSelect };
type Prepared =
  | { kind: "done"; outcome: Outcome }
  | { kind: "send"; to: string; text: string; credentials: Record<string, string>; lastEmail?: EmailContent };

/** What the claim's batch read beside the claim: everything the provider call needs. */
interface ClaimRead {
  identities: Array<{ kind: string; value: string }>;
  lastInbound: { content: unknown } | undefined;
}

/**
 * Step 1 in one round trip (a non-interactive batch: the claim and the reads commit together): the
 * claim, the message's state when no claim was made, its conversation and channel, the contact's
 * identities and the conversation's last inbound message (an email reply threads under it). The
 * workspace must exist and not be suspended, as for any of its work (withTenant's check, read here).
 */
async function claimSend(ctx: ServiceContext, messageId: string): Promise<{ row: Row; lapsed: boolean; prepared: Prepared } | undefined> {
  const tenantId = ctx.tenantId;
  if (!tenantId) throw unauthorized();
  const conversationOf = sql`(select conversation_id from messages where id = ${messageId})`;
  const [tenantRows, claimRows, currentRows, restRows, identities, lastRows] = (await ctx.db.batch({ tenantId }, (q) => [
    q.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId)),
    q
      .update(messages)
      .set({ sendClaimedUntil: sql`now() + make_interval(secs => ${CLAIM_SECONDS})` })
      .where(
        and(
          eq(messages.id, messageId),
          eq(messages.direction, "outbound"),
          eq(messages.status, "pending"),
          or(isNull(messages.sendClaimedUntil), lt(messages.sendClaimedUntil, sql`now()`)),
          sql`exists (select 1 from tenants t where t.id = ${tenantId}::uuid and t.status <> 'suspended')`,
        ),
      )
      // A subquery in RETURNING reads the row as it was before this statement: a claim that lapsed.
      // (Qualified by hand: Drizzle writes columns in RETURNING unqualified, which `m` would capture.)
      .returning({ ...getTableColumns(messages), lapsedClaim: sql<string | null>`(select m.send_claimed_until from messages m where m.id = "messages"."id")` }),
    q.select({ status: messages.status }).from(messages).where(eq(messages.id, messageId)),
    q.select({ conversation: conversations, channel: channels }).from(conversations).innerJoin(channels, eq(channels.id, conversations.channelId)).where(eq(conversations.id, conversationOf)),
    q
      .select({ kind: contactIdentities.kind, value: contactIdentities.value })
      .from(contactIdentities)
      .where(eq(contactIdentities.contactId, sql`(select contact_id from conversations where id = ${conversationOf})`))
      .orderBy(asc(contactIdentities.createdAt)),
    q
      .select({ content: messages.content })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationOf), eq(messages.direction, "inbound")))
      .orderBy(desc(messages.sequence))
      .limit(1),
  ])) as unknown as [
    Array<{ status: string }>,
    Array<typeof messages.$inferSelect & { lapsedClaim: string | Date | null }>,
    Array<{ status: string }>,
    Array<Omit<Row, "message">>,
    ClaimRead["identities"],
    Array<{ content: unknown }>,
  ];
  const tenant = tenantRows[0];
  if (!tenant) throw unauthorized("Credentials are no longer valid");
  if (tenant.status === "suspended") throw new AppError("TENANT_SUSPENDED", "This workspace is suspended");
  const claim = claimRows[0];
  if (!claim) {
    if (currentRows[0]?.status === "pending") throw new SendInProgress();
    return undefined; // already handled (redelivery) or gone
  }
  const rest = restRows[0];
  if (!rest) return undefined;
  const { lapsedClaim, ...message } = claim;
  const row: Row = { message, ...rest };
  return { row, lapsed: lapsedClaim !== null, prepared: await prepare(ctx, row, { identities, lastInbound: lastRows[0] }) };
}

/** Everything the provider call needs, from what the claim read. */
async function prepare(ctx: ServiceContext, { message, conversation, channel }: Row, read: ClaimRead): Promise<Prepared> {
  const done = (outcome: Outcome): Prepared => ({ kind: "done", outcome });
  if (channel.deletedAt || channel.status !== "active") return done({ status: "failed", error: "The channel is disabled or deleted" });
  const content = message.content;
  if (content.type !== "text" || typeof content.text !== "string" || !content.text) return done({ status: "failed", error: "Only text replies can be sent on this channel" });
  if (LIVE_ONLY.has(channel.type)) return done({ status: "sent", externalId: null });
  const identityKind = channel.type === "email" ? "email" : SENDERS[channel.type]?.identityKind;
  if (!identityKind) return done({ status: "failed", error: `Replies cannot be sent on ${channel.type} channels yet` });
  const to = recipient(read.identities, conversation, identityKind);
  if (!to) return done({ status: "failed", error: `The contact has no ${identityKind} identity to reply to` });
  if (!channel.credentialsCiphertext || !channel.credentialsKeyId) return done({ status: "failed", error: "The channel has no credentials" });
  // Decryption failures throw: a missing key is an operator fix, after which the retry succeeds.
  const credentials = await decryptCredentials(ctx.config, credentialsAad(channel.tenantId, channel.id), channel.credentialsCiphertext, channel.credentialsKeyId);
  const last = read.lastInbound?.content as { type?: string } | undefined;
  const lastEmail = channel.type === "email" && last?.type === "email" ? (last as unknown as EmailContent) : undefined;
  return { kind: "send", to, text: content.text, credentials, ...(lastEmail && { lastEmail }) };
}

async function call(ctx: ServiceContext, { message, channel }: Row, p: Extract<Prepared, { kind: "send" }>): Promise<Outcome> {
  try {
    const externalId =
      channel.type === "email"
        ? await sendEmailReply(ctx.config.MAILGUN_API_BASE, p.credentials, channel.config, { messageId: message.id, to: p.to, text: p.text, ...(p.lastEmail && { lastInbound: p.lastEmail }), bot: message.senderType === "bot" })
        : await SENDERS[channel.type]!.send(ctx.config, p.credentials, channel.config, { to: p.to, text: p.text });
    return { status: "sent", externalId };
  } catch (err) {
    if (err instanceof ProviderError && err.permanent) {
      ctx.log.warn("outbound message failed permanently", { message_id: message.id, provider: err.provider, status: err.status, error: err.message });
      return { status: "failed", error: err.message };
    }
    if (err instanceof EmailBuildError) return { status: "failed", error: err.message };
    throw err;
  }
}

/**
 * The provider id to reply to. A merged contact can hold several identities of one kind; the one this
 * conversation's thread is keyed by (`<channel id>:<provider id>`) is the one the customer wrote from.
 */
function recipient(identities: ClaimRead["identities"], conversation: Row["conversation"], kind: string): string | undefined {
  const rows = identities.filter((i) => i.kind === kind);
  const threadPeer = conversation.threadKey.slice(conversation.threadKey.indexOf(":") + 1);
  return rows.find((r) => r.value === threadPeer)?.value ?? rows[0]?.value;
}

/** Pauses between attempts to record a provider's answer before it is handed to the thread object. */
const RECORD_RETRY_MS = [100, 500, 2000];

/**
 * Records the provider's answer. The message has gone out by now, so a failure here must not lead to
 * a second send: a brief Postgres outage is ridden out in place, and a longer one leaves the answer
 * with the conversation's thread object (durable storage) before the event is retried; the retry finds
 * the lapsed claim and records that answer instead of calling the provider again.
 */
async function recordOutcome(ctx: ServiceContext, row: Row, outcome: Outcome, thread: SendThread, eventId?: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await record(ctx, row, outcome, eventId);
    } catch (err) {
      if (attempt >= RECORD_RETRY_MS.length) {
        await thread.rememberSend(row.message.id, outcome);
        ctx.log.warn("outbound outcome kept for a later record", { message_id: row.message.id, status: outcome.status });
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, RECORD_RETRY_MS[attempt]));
    }
  }
}

/**
 * Step 3 in one round trip: the message's new status and, only if this statement changed it, its
 * `message.sent` / `message.failed` event (the event's insert sees the update: the row it finds was
 * changed at this transaction's time, which no earlier record can have been).
 */
async function record(ctx: ServiceContext, { message }: Row, outcome: Outcome, eventId?: string) {
  const base = { message_id: message.id, conversation_id: message.conversationId, channel_id: message.channelId };
  const payload = sql`${JSON.stringify(outcome.status === "sent" ? base : { ...base, error: outcome.error })}::jsonb`;
  const changedHere = sql`from messages m where m.id = ${message.id}::uuid and m.status = ${outcome.status} and m.updated_at = now()`;
  // Each type is written out in its statement (not a parameter), so the event catalog's scan sees it.
  const event =
    outcome.status === "sent"
      ? sql`insert into outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, payload) select gen_random_uuid(), m.tenant_id, 'message.sent', 'message', m.id::text, ${payload} ${changedHere}`
      : sql`insert into outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, payload) select gen_random_uuid(), m.tenant_id, 'message.failed', 'message', m.id::text, ${payload} ${changedHere}`;
  const [rows] = (await ctx.db.batch({ tenantId: message.tenantId }, (q) => [
    q
      .update(messages)
      .set(
        outcome.status === "sent"
          ? { status: "sent", externalId: outcome.externalId, error: null, sendClaimedUntil: null, updatedAt: sql`now()` }
          : { status: "failed", error: outcome.error, sendClaimedUntil: null, updatedAt: sql`now()` },
      )
      // Still pending: a status callback racing the send's own answer must not be overwritten backwards.
      .where(and(eq(messages.id, message.id), eq(messages.status, "pending")))
      .returning(),
    q.execute(event),
    ...(eventId ? [q.execute(markPublished(message.tenantId, [eventId]))] : []),
  ])) as unknown as [Array<typeof messages.$inferSelect>, unknown];
  return rows[0];
}
