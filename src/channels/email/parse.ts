/**
 * Raw RFC 5322 mail (from Email Routing's `email` handler or a relay's POST) → one inbound message,
 * or the reason it opens nothing. MIME decoding is postal-mime's (charsets, encoded words, nested
 * multiparts); what is decided here is what Parley keeps: threading ids, readable text, attachment
 * metadata (never the bytes), all bounded and storable.
 */
import PostalMime, { type Address, type Attachment, type Email } from "postal-mime";
import type { InboundMessage } from "../inbound";
import { type AutomatedReason, classifyAutomated } from "./classify";
import { htmlToReadableText, splitQuoted, toStorableLine, toStorableText } from "./text";

/** Larger raw messages are refused before parsing (Email Routing accepts up to 25 MiB). */
export const MAX_EMAIL_BYTES = 10 * 1024 * 1024;

const DEFAULT_MAX_TEXT_CHARS = 20_000;
const DEFAULT_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
const MAX_SUBJECT_CHARS = 500;
const MAX_ID_CHARS = 250;
const MAX_ADDRESS_CHARS = 320;
const MAX_NAME_CHARS = 200;
const MAX_RECIPIENTS = 50;
const MAX_ATTACHMENTS = 50;
/** References kept: the thread's root and the most recent ones (RFC 5322 §3.6.4 trims the same way). */
export const MAX_REFERENCES = 20;
// A Date header outside this window is a broken clock, not a real send time.
const MAX_PAST_MS = 366 * 24 * 3600 * 1000;
const MAX_FUTURE_MS = 24 * 3600 * 1000;

export interface EmailAttachment {
  filename?: string;
  mimeType: string;
  /** Decoded size in bytes. */
  size: number;
  /** Without angle brackets; what an HTML body's `cid:` links name. */
  contentId?: string;
  inline?: boolean;
  /** Over the channel's attachment limit; recorded so the agent knows something was not kept. */
  too_large?: true;
}

export interface EmailContent {
  type: "email";
  subject: string;
  /** What the sender wrote now: the plain part, or text made from the HTML part when there is none. */
  text: string;
  /** Earlier messages the sender quoted below (or above) their reply, split off `text`. */
  quoted?: string;
  attachments: EmailAttachment[];
  /** The mail's Message-ID without angle brackets; empty when the mail had none. */
  messageId: string;
  inReplyTo?: string;
  /** Oldest first, without angle brackets, at most MAX_REFERENCES. */
  references: string[];
  /** Lowercased addresses. */
  to: string[];
  cc: string[];
}

export type EmailInboundMessage = Omit<InboundMessage, "content"> & { content: EmailContent };

export type EmailIgnoredReason = AutomatedReason | "no sender" | "own address" | "too large" | "malformed";

export type EmailParseResult = { kind: "message"; message: EmailInboundMessage } | { kind: "ignored"; reason: EmailIgnoredReason };

export interface ParseEmailOptions {
  maxAttachmentBytes?: number;
  maxTextChars?: number;
  /** The channel's own addresses: mail claiming to be from them is a loop, never a customer. */
  ownAddresses?: readonly string[];
  /** Epoch ms used for a missing or implausible Date header; `Date.now()` by default. */
  now?: number;
}

/** Size in bytes of a raw message (UTF-8 for a string), or the size Email Routing reports. */
export function emailSize(raw: ArrayBuffer | Uint8Array | string | number): number {
  if (typeof raw === "number") return raw;
  if (typeof raw === "string") return new TextEncoder().encode(raw).byteLength;
  return raw.byteLength;
}

/** True when the caller must refuse the message (413 to a relay, `setReject` in the email handler). */
export function isEmailTooLarge(raw: ArrayBuffer | Uint8Array | string | number): boolean {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short strings need no encoding to be known small.
  if (typeof raw === "string" && raw.length * 3 <= MAX_EMAIL_BYTES) return false;
  return emailSize(raw) > MAX_EMAIL_BYTES;
}

/**
 * Parses one raw message.
 *
 * @example
 * const r = await parseEmail(await new Response(message.raw).arrayBuffer(), { ownAddresses: ["help@acme.com"] });
 * if (r.kind === "message") await ingest(r.message); // r.message.content.text is what the customer wrote
 */
export async function parseEmail(raw: ArrayBuffer | Uint8Array | string, opts: ParseEmailOptions = {}): Promise<EmailParseResult> {
  if (isEmailTooLarge(raw)) return { kind: "ignored", reason: "too large" };
  const now = opts.now ?? Date.now();
  let email: Email;
  try {
    // Attachment bytes are only measured, so the default ArrayBuffer form (no base64 copy) is the cheapest.
    email = await PostalMime.parse(raw, { attachmentEncoding: "arraybuffer" });
  } catch {
    return { kind: "ignored", reason: "malformed" };
  }

  const automated = classifyAutomated(email.headers);
  if (automated) return { kind: "ignored", reason: automated };
  const from = firstMailbox(email.from);
  if (!from) return { kind: "ignored", reason: "no sender" };
  const own = new Set((opts.ownAddresses ?? []).map((a) => a.trim().toLowerCase()));
  if (own.has(from.address)) return { kind: "ignored", reason: "own address" };

  const messageId = firstMessageId(email.messageId) ?? "";
  const externalId = messageId || (await sha256Hex(raw));
  const inReplyTo = firstMessageId(email.inReplyTo);
  const maxText = opts.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
  // Plain part first: senders write it for exactly this; HTML is only the fallback.
  const body = email.text?.trim() ? email.text : email.html ? htmlToReadableText(email.html) : "";
  const { text, quoted } = splitQuoted(toStorableText(body, maxText * 4));

  const content: EmailContent = {
    type: "email",
    subject: toStorableLine(email.subject ?? "", MAX_SUBJECT_CHARS),
    text: toStorableText(text, maxText),
    ...(quoted && { quoted: toStorableText(quoted, maxText) }),
    attachments: email.attachments.slice(0, MAX_ATTACHMENTS).map((a) => attachmentMeta(a, opts.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES)),
    messageId,
    ...(inReplyTo && { inReplyTo }),
    references: boundReferences(messageIds(email.references)),
    to: addresses(email.to),
    cc: addresses(email.cc),
  };
  const message: EmailInboundMessage = {
    kind: "message",
    externalId,
    from: { id: from.address, ...(from.name && { name: from.name }) },
    timestamp: plausibleTime(email.date, now),
    content,
    ...(inReplyTo && { replyTo: inReplyTo }),
  };
  return { kind: "message", message };
}

function attachmentMeta(a: Attachment, maxBytes: number): EmailAttachment {
  const size = typeof a.content === "string" ? a.content.length : a.content.byteLength;
  const filename = a.filename ? toStorableLine(a.filename, 255) : "";
  const contentId = a.contentId ? toStorableLine(a.contentId.replace(/^<|>$/g, ""), MAX_ID_CHARS) : "";
  return {
    ...(filename && { filename }),
    mimeType: toStorableLine(a.mimeType || "application/octet-stream", 100).toLowerCase(),
    size,
    ...(contentId && { contentId }),
    ...((a.disposition === "inline" || a.related) && { inline: true }),
    ...(size > maxBytes && { too_large: true as const }),
  };
}

function firstMailbox(address: Address | undefined): { address: string; name?: string } | undefined {
  const box = address?.group ? address.group[0] : address;
  const addr = box?.address ? toStorableLine(box.address, MAX_ADDRESS_CHARS).toLowerCase() : "";
  // An address needs a local part and a domain; "undisclosed-recipients" style values have neither.
  if (!/^[^\s@]+@[^\s@]+$/.test(addr)) return undefined;
  const name = box?.name ? toStorableLine(box.name, MAX_NAME_CHARS) : "";
  return { address: addr, ...(name && name.toLowerCase() !== addr && { name }) };
}

function addresses(list: Address[] | undefined): string[] {
  const out = new Set<string>();
  for (const entry of list ?? []) {
    for (const box of entry.group ?? [entry]) {
      const addr = box.address ? toStorableLine(box.address, MAX_ADDRESS_CHARS).toLowerCase() : "";
      if (addr.includes("@")) out.add(addr);
    }
  }
  return [...out].slice(0, MAX_RECIPIENTS);
}

/** `<a@b> <c@d>` (or bare ids, as some clients write them) → ids without brackets, storable. */
export function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  const ids = bracketed.length ? bracketed : value.split(/[\s,]+/).filter((v) => v.includes("@"));
  return [...new Set(ids.map((id) => toStorableLine(id, MAX_ID_CHARS)).filter(Boolean))];
}

function firstMessageId(value: string | undefined): string | undefined {
  return messageIds(value)[0];
}

/** The root plus the most recent ids, in order, so a long thread still matches at both ends. */
export function boundReferences(ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  return unique.length <= MAX_REFERENCES ? unique : [unique[0]!, ...unique.slice(-(MAX_REFERENCES - 1))];
}

function plausibleTime(date: string | undefined, now: number): number {
  const t = date ? Date.parse(date) : Number.NaN;
  return Number.isFinite(t) && t >= now - MAX_PAST_MS && t <= now + MAX_FUTURE_MS ? t : now;
}

async function sha256Hex(raw: ArrayBuffer | Uint8Array | string): Promise<string> {
  const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
