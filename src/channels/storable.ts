/**
 * What Postgres can store, enforced at the edge before a message is acknowledged. A value Postgres
 * refuses after the 200 (a NUL in text or jsonb, a lone UTF-16 surrogate, a timestamp outside its
 * range) would otherwise sit in the thread object being retried; so every inbound message is
 * normalized here, and only what cannot be made storable is refused with a 4xx.
 */
import type { InboundMessage, MessageContent } from "./inbound";

/** Longest text kept per field; longer values are cut (with a marker), never refused: the customer wrote it. */
export const MAX_TEXT_CHARS = 32_000;
const MAX_SHORT_CHARS = 2_000;
/** Providers' timestamps outside this window are clock errors or forgeries; the arrival time stands in. */
const EARLIEST_TS = Date.UTC(2000, 0, 1);
const FUTURE_SLACK_MS = 24 * 3600 * 1000;

// NUL is the one code point Postgres text and jsonb refuse; C0 controls other than tab/newline/CR are
// noise in a chat message and are dropped with it.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** A string Postgres accepts: well-formed UTF-16 (lone surrogates become U+FFFD), no NUL, bounded. */
export function storableText(value: string, max = MAX_TEXT_CHARS): string {
  let s = value.toWellFormed().replace(CONTROL, "");
  // Cut between the halves of a surrogate pair, the kept half becomes U+FFFD.
  if (s.length > max) s = `${s.slice(0, max - 1).toWellFormed()}…`;
  return s;
}

/** Whether a string needs no change to be stored (for validating fields that must not be rewritten, like ids). */
export function isStorable(value: string, max = MAX_SHORT_CHARS): boolean {
  return value.length <= max && value.isWellFormed() && !value.includes("\u0000");
}

/** A provider timestamp Postgres (and people) can use; anything unusable becomes the arrival time. */
export function storableTimestamp(ts: number, now = Date.now()): number {
  if (!Number.isFinite(ts) || ts < EARLIEST_TS || ts > now + FUTURE_SLACK_MS) return now;
  return Math.trunc(ts);
}

function finite(n: number, min: number, max: number): number | undefined {
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

/** Every string anywhere in a JSON-like value made storable (for free-form content such as email metadata). */
function deepStorable(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return storableText(value);
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== "object" || depth > 8) return typeof value === "object" ? null : value;
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => deepStorable(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value).slice(0, 200)) out[storableText(k, 200)] = deepStorable(v, depth + 1);
  return out;
}

function storableContent(content: MessageContent): MessageContent {
  switch (content.type) {
    case "text":
      return { type: "text", text: storableText(content.text) };
    case "location": {
      const latitude = finite(content.latitude, -90, 90);
      const longitude = finite(content.longitude, -180, 180);
      // A location without a usable position says nothing; keep what it was, not a fake point.
      if (latitude === undefined || longitude === undefined) return { type: "unsupported", providerType: "location (invalid coordinates)" };
      return { ...content, latitude, longitude, ...(content.name !== undefined && { name: storableText(content.name, MAX_SHORT_CHARS) }), ...(content.address !== undefined && { address: storableText(content.address, MAX_SHORT_CHARS) }) };
    }
    default:
      return deepStorable(content) as MessageContent;
  }
}

export class UnstorableInputError extends Error {
  constructor(readonly field: string, detail: string) {
    super(`${field}: ${detail}`);
    this.name = "UnstorableInputError";
  }
}

/**
 * The message as it will be stored. Ids are never rewritten (a changed id would break dedupe and
 * replies), so an id Postgres cannot hold is refused; everything else is normalized.
 */
export function toStorable(message: InboundMessage, now = Date.now()): InboundMessage {
  if (!isStorable(message.externalId, 500) || message.externalId.length === 0) throw new UnstorableInputError("external_id", "must be 1–500 characters of valid text");
  if (!isStorable(message.from.id, 500) || message.from.id.length === 0) throw new UnstorableInputError("from.id", "must be 1–500 characters of valid text");
  if (message.replyTo !== undefined && !isStorable(message.replyTo, 500)) throw new UnstorableInputError("reply_to", "must be at most 500 characters of valid text");
  const from = { ...message.from };
  for (const key of ["name", "username", "language"] as const) {
    const v = from[key];
    if (v !== undefined) from[key] = storableText(v, key === "language" ? 16 : 300);
  }
  if (from.phone !== undefined && !/^\+\d{6,15}$/.test(from.phone)) delete from.phone;
  const { raw: _raw, ...rest } = message;
  return { ...rest, from, timestamp: storableTimestamp(message.timestamp, now), content: storableContent(message.content) };
}
