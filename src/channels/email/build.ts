/**
 * An agent's or a bot's answer → RFC 5322 mail threaded under the customer's message. mimetext does
 * the MIME structure and the encoded words; here are the threading headers (RFC 5322 §3.6.4), the
 * auto-reply marking (RFC 3834) and the guard that no caller value can inject a header.
 */
import { createMimeMessage } from "mimetext/browser";
import { base64 } from "../../lib/crypto";
import { boundReferences } from "./parse";
import { toStorableLine } from "./text";

export interface MailAddress {
  address: string;
  name?: string;
}

export interface ReplyInput {
  from: MailAddress;
  to: MailAddress;
  /** The customer's subject; "Re: " is added once. */
  subject: string;
  text: string;
  html?: string;
  /** The customer's Message-ID (with or without angle brackets). */
  inReplyTo?: string;
  /** The customer's References, oldest first. */
  references?: readonly string[];
  /** Reuse on a retry, so a resend is the same message to the recipient's threading. */
  messageId?: string;
  /** Right-hand side of a fresh Message-ID: the channel's sending domain. */
  domain: string;
  /** Bot replies only: marks the mail as automatic so other robots do not answer it (RFC 3834 §5). */
  autoSubmitted?: boolean;
}

/** A caller value that would make the mail invalid or let it carry extra headers; no retry helps. */
export class EmailBuildError extends Error {
  constructor(readonly field: string, detail: string) {
    super(`Cannot build the reply mail: ${field}: ${detail}`);
    this.name = "EmailBuildError";
  }
}

// Deliberately narrower than RFC 5321 allows (no quoted local parts): whatever passes can go into a
// header unquoted and cannot carry CR, LF or angle brackets.
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const MESSAGE_ID = /^[\x21-\x3B\x3D\x3F-\x7E]{1,250}@[\x21-\x3B\x3D\x3F-\x7E]{1,250}$/; // printable ASCII, no < > or spaces
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
// The encoded subject must fit one header line (998 octets) even when every character takes 4 bytes.
const MAX_SUBJECT_CHARS = 180;
// "Re:", "RE :", "Re[2]:", and the German and Nordic "Aw:"/"Sv:", repeated any number of times.
const REPLY_PREFIX = /^\s*(?:(?:re|aw|sv)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*)+/i;

/**
 * Builds the reply; returns the raw message and its Message-ID (without angle brackets), which is
 * the id the customer's next reply names in In-Reply-To.
 *
 * @example
 * const { raw, messageId } = buildReply({
 *   from: { address: "help@acme.com", name: "Acme Support" }, to: { address: "ann@example.com" },
 *   subject: "Order 1234", text: "It shipped today.", inReplyTo: "CA+abc@mail.example.com", domain: "acme.com",
 * });
 */
export function buildReply(input: ReplyInput): { raw: string; messageId: string } {
  const from = checkAddress("from", input.from);
  const to = checkAddress("to", input.to);
  if (!DOMAIN.test(input.domain)) throw new EmailBuildError("domain", "not a domain name");
  const messageId = input.messageId ? checkMessageId("messageId", input.messageId) : `${crypto.randomUUID()}@${input.domain.toLowerCase()}`;
  const inReplyTo = input.inReplyTo ? checkMessageId("inReplyTo", input.inReplyTo) : undefined;
  // Ids that are not valid message ids are dropped rather than refused: they came from the customer's mail.
  const known = (input.references ?? []).map(unbracket).filter((id) => MESSAGE_ID.test(id));
  const references = boundReferences(inReplyTo ? [...known.filter((id) => id !== inReplyTo), inReplyTo] : known);

  const msg = createMimeMessage();
  msg.setSender(from);
  msg.setTo(to);
  msg.setSubject(replySubject(input.subject));
  msg.setHeader("Message-ID", `<${messageId}>`);
  if (inReplyTo) msg.setHeader("In-Reply-To", `<${inReplyTo}>`);
  // Folded one id per line: twenty long ids would pass the 998-octet line limit on one line.
  if (references.length) msg.setHeader("References", references.map((id) => `<${id}>`).join("\r\n "));
  if (input.autoSubmitted) {
    msg.setHeader("Auto-Submitted", "auto-replied");
    // Exchange and Outlook honour this and send no out-of-office answer to the bot's mail.
    msg.setHeader("X-Auto-Response-Suppress", "All");
  }
  // base64 keeps any text 7-bit and within line limits, whatever language or line lengths it has.
  msg.addMessage({ contentType: "text/plain", charset: "UTF-8", encoding: "base64", data: base64Lines(input.text.replace(/\r?\n/g, "\r\n")) });
  if (input.html) msg.addMessage({ contentType: "text/html", charset: "UTF-8", encoding: "base64", data: base64Lines(input.html) });
  return { raw: msg.asRaw(), messageId };
}

/** "Re: " exactly once, whatever chain of reply prefixes the customer's client left. */
export function replySubject(subject: string): string {
  const bare = toStorableLine(subject, 1000).replace(REPLY_PREFIX, "");
  return toStorableLine(`Re: ${bare}`, MAX_SUBJECT_CHARS);
}

function checkAddress(field: string, value: MailAddress): { addr: string; name?: string } {
  const addr = value.address.trim();
  if (!ADDRESS.test(addr)) throw new EmailBuildError(field, "not a plain email address");
  const name = value.name ? toStorableLine(value.name, 200) : "";
  // mimetext writes display names as encoded words, so any character is safe in them.
  return name ? { addr, name } : { addr };
}

function checkMessageId(field: string, value: string): string {
  const id = unbracket(value);
  if (!MESSAGE_ID.test(id)) throw new EmailBuildError(field, "not a message id");
  return id;
}

const unbracket = (id: string) => id.trim().replace(/^<|>$/g, "");

function base64Lines(text: string): string {
  return (base64(new TextEncoder().encode(text)).match(/.{1,76}/g) ?? []).join("\r\n");
}
