/**
 * The one ingestion verb: webhooks, replays of the raw log, the web chat widget and email all enter
 * here once they are verified and parsed. It makes every value storable, applies provider statuses,
 * hands each customer's messages to that customer's thread object (which holds them durably before it
 * returns), and logs the delivery once. Only after it returns may the caller acknowledge.
 */
import { threadKeyOf, threadStub } from "../../../durable-objects/conversation-thread/client";
import type { ThreadMeta } from "../../../durable-objects/conversation-thread/types";
import type { InboundMessage, NormalizedInbound } from "../../channels/inbound";
import { storableText, toStorable, UnstorableInputError } from "../../channels/storable";
import { channelEvents, type ChannelType } from "../../db/schema";
import { AppError } from "../../lib/errors";
import type { ServiceContext } from "../context";
import { toMessage } from "../conversations/model";
import type { InboundRaw } from "../conversations/inbound";
import { applyStatuses } from "../conversations/statuses";

export interface IngestChannel {
  id: string;
  tenantId: string;
  type: ChannelType;
  debounceMs: number;
  maxWaitMs: number;
}

export type DeliverySource = "webhook" | "replay" | "widget" | "email";

export interface Delivery {
  source: DeliverySource;
  events: NormalizedInbound[];
  /** The delivery as received (kept, bounded, for the log and replay). */
  body: Uint8Array | string;
  headers: Record<string, string>;
  note?: string;
  /**
   * The thread these messages join when it is not their sender's own: a mail replying to an earlier
   * one joins that mail's conversation, whoever sends it (a colleague in copy, another address).
   */
  threadCustomerId?: string;
}

export interface IngestResult {
  accepted: string[];
  duplicates: string[];
  statuses: number;
}

/** Accepted deliveries keep this much of their body (enough to replay any provider's webhook). */
export const MAX_LOGGED_BODY = 64 * 1024;
/** Rejected deliveries keep only an excerpt: they are unauthenticated, and their log must stay small. */
export const MAX_REJECTED_EXCERPT = 2 * 1024;

/** A delivery body as the log keeps it: valid text Postgres can store, cut to `max` bytes. */
export function loggedBody(body: Uint8Array | string, max: number): { body: string; truncated: boolean } {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const truncated = bytes.byteLength > max;
  // storableText: a raw NUL byte or broken UTF-8 in a body must not make the log entry itself unstorable.
  return { body: storableText(new TextDecoder().decode(bytes.subarray(0, max)), max), truncated };
}

function rawOf(delivery: Delivery, eventType: string, externalIds: string[]): InboundRaw {
  const logged = loggedBody(delivery.body, MAX_LOGGED_BODY);
  return { ...logged, headers: delivery.headers, eventType, receivedAt: Date.now(), externalIds, ...(delivery.note && { note: delivery.note }) };
}

/** Normalizes every message to what Postgres accepts; refuses (400, nothing stored) what cannot be. */
function storableMessages(events: NormalizedInbound[]): InboundMessage[] {
  const now = Date.now();
  const out: InboundMessage[] = [];
  for (const e of events) {
    if (e.kind !== "message") continue;
    try {
      out.push(toStorable(e, now));
    } catch (err) {
      if (err instanceof UnstorableInputError) throw new AppError("VALIDATION_FAILED", err.message, { field: err.field });
      throw err;
    }
  }
  return out;
}

/**
 * Ingests one verified, parsed delivery.
 *
 * @example
 *   const result = await ingest({ ctx, channel, delivery: { source: "webhook", events, body: raw, headers } });
 */
export async function ingest({ ctx, channel, delivery }: { ctx: ServiceContext; channel: IngestChannel; delivery: Delivery }): Promise<IngestResult> {
  const messages = storableMessages(delivery.events);
  const statuses = delivery.events.filter((e) => e.kind === "status");
  const replay = delivery.source === "replay";

  if (statuses.length > 0) {
    const changed = await ctx.db.scoped({ tenantId: channel.tenantId }, async (tx) => {
      const result = await applyStatuses(tx, channel.id, statuses);
      if (messages.length === 0) {
        const r = rawOf(delivery, "status", statuses.map((s) => s.externalId));
        await tx.insert(channelEvents).values({ tenantId: channel.tenantId, channelId: channel.id, verdict: "accepted", reason: r.note ?? null, eventType: "status", externalIds: r.externalIds, headers: r.headers, body: r.body, bodyTruncated: r.truncated });
      }
      return result;
    });
    // Live status ticks for agents; from replays too, so a recovered status shows like a fresh one.
    await Promise.all(
      changed.map(({ message, threadKey }) =>
        threadStub(ctx.env, channel.tenantId, threadKey)
          .notify({ type: "message.updated", conversation_id: message.conversationId, message: toMessage(message) })
          .catch(() => {}),
      ),
    );
  }

  if (messages.length > 0) {
    const result = await dispatchToThreads(ctx, channel, messages, rawOf(delivery, replay ? "replay" : "message", messages.map((m) => m.externalId)), replay, delivery.threadCustomerId);
    return { ...result, statuses: statuses.length };
  }
  if (statuses.length === 0) await logDelivery(ctx, channel, "ignored", delivery.note ?? "no messages or statuses in this delivery", delivery.body, delivery.headers);
  return { accepted: [], duplicates: [], statuses: statuses.length };
}

/**
 * Hands each customer's messages to that customer's thread object and waits until every one of them
 * holds them durably. The raw delivery is logged by the first thread (in the same Postgres statement
 * as its messages).
 */
async function dispatchToThreads(ctx: ServiceContext, channel: IngestChannel, messages: InboundMessage[], raw: InboundRaw, replay: boolean, threadCustomerId?: string) {
  const byCustomer = new Map<string, InboundMessage[]>();
  for (const m of messages) {
    const customer = threadCustomerId ?? m.from.id;
    byCustomer.set(customer, [...(byCustomer.get(customer) ?? []), m]);
  }
  let first = true;
  const results = await Promise.all(
    [...byCustomer].map(([customerId, msgs]) => {
      const meta: ThreadMeta = {
        tenantId: channel.tenantId,
        channelId: channel.id,
        channelType: channel.type,
        customerId,
        threadKey: threadKeyOf(channel.id, customerId),
        debounceMs: channel.debounceMs,
        maxWaitMs: channel.maxWaitMs,
      };
      const withRaw = first;
      first = false;
      return threadStub(ctx.env, channel.tenantId, meta.threadKey).accept({ meta, messages: msgs, raw: withRaw ? raw : undefined, replay });
    }),
  );
  return { accepted: results.flatMap((r) => r.accepted), duplicates: results.flatMap((r) => r.duplicates) };
}

/**
 * Logs a delivery that carries no messages: rejected (bad signature, disabled channel, unreadable) or
 * ignored. Unverified rejections keep only metadata and a short excerpt.
 */
export async function logDelivery(ctx: ServiceContext, channel: { id: string; tenantId: string }, verdict: "rejected" | "ignored", reason: string, body: Uint8Array | string, headers: Record<string, string>, verified = true) {
  // A verified delivery we could not read keeps its body (to replay it once the parser is fixed).
  const r = loggedBody(body, verdict === "rejected" && !verified ? MAX_REJECTED_EXCERPT : MAX_LOGGED_BODY);
  // One request over HTTP: a single insert needs no transaction held open, nor a connection.
  await ctx.db.batch({ tenantId: channel.tenantId }, (q) => [
    q.insert(channelEvents).values({ tenantId: channel.tenantId, channelId: channel.id, verdict, reason: storableText(reason, 500), eventType: null, headers, body: r.body, bodyTruncated: r.truncated }),
  ]);
}
