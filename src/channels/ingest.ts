import { threadKeyOf, threadStub } from "../../durable-objects/conversation-thread/client";
import type { RawDelivery, ThreadMeta } from "../../durable-objects/conversation-thread/types";
import type { ChannelType } from "../db/schema";
import type { Env } from "../env";
import type { InboundMessage, NormalizedInbound } from "./inbound";
import { parseApiChannel, parseTelegram, parseTwilio, parseWhatsApp } from "./normalize";

export interface IngestChannel {
  id: string;
  tenantId: string;
  type: ChannelType;
  debounceMs: number;
  maxWaitMs: number;
}

/** Parses a verified delivery into the normalized model (throws InboundParseError when unusable). */
export function parseDelivery(type: ChannelType, raw: Uint8Array, form?: URLSearchParams): NormalizedInbound[] {
  if (type === "twilio_sms") return parseTwilio(form ?? new URLSearchParams());
  const json = JSON.parse(new TextDecoder().decode(raw)) as unknown;
  if (type === "whatsapp") return parseWhatsApp(json);
  if (type === "telegram") return parseTelegram(json);
  return parseApiChannel(json);
}

/**
 * Hands each customer's messages to that customer's thread object and waits until every one of them
 * holds them durably. Only then may the webhook answer 2xx. The raw delivery is logged by the first
 * thread (in the same Postgres transaction as its messages).
 */
export async function dispatchToThreads(env: Env, channel: IngestChannel, messages: InboundMessage[], raw: RawDelivery, opts: { replay?: boolean } = {}) {
  const byCustomer = new Map<string, InboundMessage[]>();
  for (const m of messages) byCustomer.set(m.from.id, [...(byCustomer.get(m.from.id) ?? []), m]);
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
      return threadStub(env, channel.tenantId, meta.threadKey).accept({ meta, messages: msgs, raw: withRaw ? raw : undefined, replay: opts.replay });
    }),
  );
  return {
    accepted: results.flatMap((r) => r.accepted),
    duplicates: results.flatMap((r) => r.duplicates),
  };
}
