/**
 * The one shape every channel's inbound webhook is reduced to, plus the helpers the provider
 * parsers share. Parsers live in parse-*.ts and are re-exported from normalize.ts.
 */
import type { z } from "zod";
import type { EmailContent } from "./email/parse";

export type MediaType = "image" | "audio" | "video" | "document" | "sticker";

export type MessageContent =
  | { type: "text"; text: string }
  | { type: "media"; mediaType: MediaType; mediaId?: string; url?: string; mimeType?: string; caption?: string; filename?: string }
  | { type: "location"; latitude: number; longitude: number; name?: string; address?: string }
  | { type: "contacts"; contacts: Array<{ name?: string; phones?: string[]; emails?: string[] }> }
  /** An empty `emoji` means the sender removed their reaction (WhatsApp sends no emoji then). */
  | { type: "reaction"; emoji: string; targetExternalId: string }
  | { type: "unsupported"; providerType: string }
  /** A mail: subject, readable text, threading ids and attachment metadata (see email/parse.ts). */
  | EmailContent;

export interface InboundSender {
  /** The id to reply to on that channel (WhatsApp wa_id or BSUID, Telegram chat id, Twilio From). */
  id: string;
  name?: string;
  /** E.164 (`+` and digits) when the channel exposes a phone number. */
  phone?: string;
  username?: string;
  language?: string;
}

export type InboundStatus = "sent" | "delivered" | "read" | "failed";

export type NormalizedInbound =
  | {
      kind: "message";
      /** Provider message id, unique per channel account; the idempotency key for ingestion. */
      externalId: string;
      from: InboundSender;
      /** Epoch milliseconds. */
      timestamp: number;
      content: MessageContent;
      replyTo?: string;
      /** Set when the provider reports an edit of a message already delivered under the same externalId. */
      edited?: boolean;
      raw?: unknown;
    }
  | {
      kind: "status";
      /** The provider id of the outbound message this status is about. */
      externalId: string;
      status: InboundStatus;
      timestamp: number;
      recipientId?: string;
      error?: string;
    };

export type InboundMessage = Extract<NormalizedInbound, { kind: "message" }>;
export type InboundProvider = "whatsapp" | "telegram" | "twilio" | "api";

/**
 * Thrown only when a payload is structurally unusable (missing ids, wrong types where the model
 * needs them). Unknown message types and unknown fields never throw: providers add both without
 * notice, and rejecting them would make the provider retry a delivery that can never succeed.
 */
export class InboundParseError extends Error {
  readonly code = "INBOUND_PARSE_ERROR";

  constructor(
    readonly provider: InboundProvider,
    /** Path of the offending field, e.g. `entry[0].changes[0].value.messages[1].id`. */
    readonly field: string,
    detail: string,
  ) {
    super(`Invalid ${provider} webhook payload: ${field || "(root)"}: ${detail}`);
    this.name = "InboundParseError";
  }
}

export function joinPath(base: string, segments: ReadonlyArray<PropertyKey>): string {
  let out = base;
  for (const seg of segments) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** Runs a zod schema and turns its first issue into an InboundParseError naming the full field path. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, provider: InboundProvider, at: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InboundParseError(provider, joinPath(at, issue?.path ?? []), issue?.message ?? "invalid value");
}

/** Best-effort media class from a MIME type; anything unrecognised is delivered as a document. */
export function mediaTypeFromMime(mime: string | undefined): MediaType {
  const major = mime?.split("/")[0]?.toLowerCase();
  return major === "image" || major === "audio" || major === "video" ? major : "document";
}

/** Adds the `+` WhatsApp leaves off its digit-only wa_id; anything not digit-only is left alone. */
export function toE164(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^\+\d{6,15}$/.test(value)) return value;
  return /^\d{6,15}$/.test(value) ? `+${value}` : undefined;
}

export function fullName(first?: string, last?: string): string | undefined {
  const name = [first, last].filter((p) => p && p.trim()).join(" ").trim();
  return name || undefined;
}

/** `{ a: string | undefined }` → `{ a?: string }`, which is what compact() produces at runtime. */
export type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * Drops keys whose value is undefined, so optional fields are absent rather than present-but-undefined
 * (holds under exactOptionalPropertyTypes, compares cleanly in tests, serialises without noise).
 */
export function compact<T extends object>(value: T): Compact<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Compact<T>;
}

/** Form parameters as a plain object for `raw`; URLSearchParams.forEach avoids needing DOM.Iterable typings. */
export function formToObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  params.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}
