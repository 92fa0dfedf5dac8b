import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { threadStub } from "../../../durable-objects/conversation-thread/client";
import { SENDERS, ProviderError } from "../../channels/senders";
import type { Tx } from "../../db/client";
import { channels, contactIdentities, conversations, messages } from "../../db/schema";
import { withTenant } from "../../services/access";
import { emitEvent } from "../../services/audit";
import { credentialsAad, decryptCredentials } from "../../services/channels/credentials";
import { toMessage } from "../../services/conversations/model";
import type { ServiceContext } from "../../services/context";
import type { OutboxHandler } from "../outbox-consumer";

const Payload = z.object({ message_id: z.string().uuid(), conversation_id: z.string().uuid(), channel_id: z.string().uuid() });

// Channels whose replies reach the customer over the conversation's live socket, not a provider call.
const LIVE_ONLY = new Set(["api", "webchat"]);

type Outcome = { status: "sent"; externalId: string | null } | { status: "failed"; error: string };

/**
 * Delivers one pending outbound message (`message.outbound`) to its channel's provider.
 *
 * The message row is locked (FOR UPDATE) for the whole attempt, provider call included, so a redelivered
 * or concurrently delivered event waits, then finds the message no longer "pending" and does nothing:
 * one provider request per message. Outcomes are committed with their `message.sent` / `message.failed`
 * event in the same transaction. Permanent provider errors fail the message; transient ones (429, 5xx,
 * network) throw, which rolls back and lets the queue retry with backoff, then dead-letter.
 */
export const deliverOutbound: OutboxHandler = async ({ ctx, event }) => {
  const payload = Payload.safeParse(event.payload);
  if (!payload.success) {
    // A malformed event never becomes valid: log it and let it be acknowledged.
    ctx.log.error("message.outbound with a malformed payload", { event_id: event.id });
    return;
  }
  const { message_id: messageId } = payload.data;
  const updated = await withTenant(ctx, null, async (tx) => {
    const [row] = await tx
      .select({ message: messages, conversation: conversations, channel: channels })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .where(and(eq(messages.id, messageId), eq(messages.direction, "outbound")))
      .limit(1)
      .for("update", { of: messages });
    if (!row || row.message.status !== "pending") return undefined; // already handled (redelivery) or gone
    const outcome = await attempt(ctx, tx, row);
    return record(tx, row, outcome);
  });
  if (updated) {
    await threadStub(ctx.env, updated.message.tenantId, updated.threadKey)
      .notify({ type: "message.updated", conversation_id: updated.message.conversationId, message: toMessage(updated.message) })
      .catch((err: unknown) => ctx.log.warn("live update failed", { message_id: messageId, error: String(err) }));
  }
};

type Row = { message: typeof messages.$inferSelect; conversation: typeof conversations.$inferSelect; channel: typeof channels.$inferSelect };

async function attempt(ctx: ServiceContext, tx: Tx, { message, conversation, channel }: Row): Promise<Outcome> {
  if (channel.deletedAt || channel.status !== "active") return { status: "failed", error: "The channel is disabled or deleted" };
  const content = message.content;
  if (content.type !== "text" || typeof content.text !== "string" || !content.text) return { status: "failed", error: "Only text replies can be sent on this channel" };
  if (LIVE_ONLY.has(channel.type)) return { status: "sent", externalId: null };
  const sender = SENDERS[channel.type];
  if (!sender) return { status: "failed", error: `Replies cannot be sent on ${channel.type} channels yet` };
  const to = await recipient(tx, conversation, sender.identityKind);
  if (!to) return { status: "failed", error: `The contact has no ${sender.identityKind} identity to reply to` };
  if (!channel.credentialsCiphertext || !channel.credentialsKeyId) return { status: "failed", error: "The channel has no credentials" };
  // Decryption failures throw: a missing key is an operator fix, after which the retry succeeds.
  const credentials = await decryptCredentials(ctx.config, credentialsAad(channel.tenantId, channel.id), channel.credentialsCiphertext, channel.credentialsKeyId);
  try {
    return { status: "sent", externalId: await sender.send(ctx.config, credentials, channel.config, { to, text: content.text }) };
  } catch (err) {
    if (err instanceof ProviderError && err.permanent) {
      ctx.log.warn("outbound message failed permanently", { message_id: message.id, provider: err.provider, status: err.status, error: err.message });
      return { status: "failed", error: err.message };
    }
    throw err;
  }
}

/**
 * The provider id to reply to. A merged contact can hold several identities of one kind; the one this
 * conversation's thread is keyed by (`<channel id>:<provider id>`) is the one the customer wrote from.
 */
async function recipient(tx: Tx, conversation: Row["conversation"], kind: string): Promise<string | undefined> {
  const rows = await tx
    .select({ value: contactIdentities.value })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.contactId, conversation.contactId), eq(contactIdentities.kind, kind)))
    .orderBy(asc(contactIdentities.createdAt));
  const threadPeer = conversation.threadKey.slice(conversation.threadKey.indexOf(":") + 1);
  return rows.find((r) => r.value === threadPeer)?.value ?? rows[0]?.value;
}

async function record(tx: Tx, { message, conversation }: Row, outcome: Outcome) {
  const [row] = await tx
    .update(messages)
    .set(outcome.status === "sent" ? { status: "sent", externalId: outcome.externalId, error: null, updatedAt: sql`now()` } : { status: "failed", error: outcome.error, updatedAt: sql`now()` })
    .where(eq(messages.id, message.id))
    .returning();
  const base = { message_id: message.id, conversation_id: message.conversationId, channel_id: message.channelId };
  await emitEvent(tx, {
    tenantId: message.tenantId,
    type: outcome.status === "sent" ? "message.sent" : "message.failed",
    aggregateType: "message",
    aggregateId: message.id,
    payload: outcome.status === "sent" ? base : { ...base, error: outcome.error },
  });
  return { message: row!, threadKey: conversation.threadKey };
}
