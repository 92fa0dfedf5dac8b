/**
 * Entry point for inbound channel normalisation. Every parser takes the provider's parsed payload
 * (JSON value or form parameters, after the signature check on the raw bytes) and returns a list of
 * NormalizedInbound items, possibly empty when the delivery carries nothing Parley stores.
 */
import { z } from "zod";
import { compact, InboundParseError, type NormalizedInbound, parseWith } from "./inbound";

export {
  InboundParseError,
  type InboundMessage,
  type InboundProvider,
  type InboundSender,
  type InboundStatus,
  type MediaType,
  type MessageContent,
  type NormalizedInbound,
} from "./inbound";
export { parseTelegram } from "./parse-telegram";
export { parseTwilio } from "./parse-twilio";
export { parseWhatsApp } from "./parse-whatsapp";

// Epoch values below 1e12 cannot be milliseconds after September 2001, so they are seconds.
const SECONDS_CUTOFF = 1e12;

const ApiInbound = z.object({
  external_id: z.string().min(1),
  from: z.object({ id: z.string().min(1), name: z.string().optional() }),
  text: z.string().min(1),
  // ISO 8601 needs an explicit zone: a local time would be read in the worker's zone (UTC) silently.
  timestamp: z.union([z.iso.datetime({ offset: true }), z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]).optional(),
});

function toMillis(value: string | number): number {
  if (typeof value === "string" && !/^\d+(\.\d+)?$/.test(value)) return Date.parse(value);
  const n = Number(value);
  return Math.round(n < SECONDS_CUTOFF ? n * 1000 : n);
}

/**
 * Parley's generic API channel: `{ external_id, from: { id, name? }, text, timestamp? }` where
 * timestamp is an ISO string or epoch seconds/milliseconds (numeric strings accepted); absent → `now`.
 */
export function parseApiChannel(json: unknown, now: number = Date.now()): NormalizedInbound[] {
  const body = parseWith(ApiInbound, json, "api", "");
  const timestamp = body.timestamp === undefined ? now : toMillis(body.timestamp);
  if (!Number.isFinite(timestamp)) throw new InboundParseError("api", "timestamp", "not a valid date");
  return [
    compact({
      kind: "message" as const,
      externalId: body.external_id,
      from: compact({ id: body.from.id, name: body.from.name }),
      timestamp,
      content: { type: "text" as const, text: body.text },
      raw: json,
    }),
  ];
}
