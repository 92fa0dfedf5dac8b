/**
 * Tells mail written by a person from mail a machine sent on its own: auto-replies (RFC 3834),
 * bounces and other delivery reports (RFC 3464), bulk and mailing-list mail. None of these may open
 * or reopen a conversation, and none may be answered: answering an auto-responder with a bot reply
 * is how two robots mail each other forever.
 */
import { addressParser } from "postal-mime";

export type AutomatedReason = "bounce" | "auto-reply" | "auto-generated" | "bulk" | "mailing-list";

/** Header lines as postal-mime gives them (lowercase `key`), or a plain name → value record. */
export type MailHeaders = ReadonlyArray<{ key: string; value: string }> | Readonly<Record<string, string | undefined>>;

// Local parts that only ever send delivery reports. "postmaster" receives abuse mail too, but what it
// *sends* is reports, so mail from it is never a customer.
const REPORT_SENDERS = new Set(["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"]);

/**
 * Why a message is automated, or `undefined` for mail a person wrote.
 *
 * @example
 * classifyAutomated({ "auto-submitted": "auto-replied" }) // "auto-reply"
 * classifyAutomated([{ key: "from", value: "Ann <ann@example.com>" }]) // undefined
 */
export function classifyAutomated(headers: MailHeaders): AutomatedReason | undefined {
  const get = headerReader(headers);

  // Bounces first: a bounce often also carries Auto-Submitted: auto-replied (RFC 3464 §2 allows it),
  // and callers treat the two differently (a bounce may mark the outbound message failed).
  const contentType = get("content-type")?.toLowerCase() ?? "";
  if (/^\s*multipart\/report\b/.test(contentType) && /report-type\s*=\s*"?delivery-status\b/.test(contentType)) return "bounce";
  if (get("x-failed-recipients") !== undefined) return "bounce";
  const from = senderAddress(get("from"));
  if (from && REPORT_SENDERS.has(from.split("@")[0]!)) return "bounce";

  // RFC 3834 §5: any Auto-Submitted value other than "no" marks the message as automatic.
  const autoSubmitted = token(get("auto-submitted"));
  if (autoSubmitted && autoSubmitted !== "no") return autoSubmitted === "auto-replied" ? "auto-reply" : "auto-generated";
  // Read receipts (RFC 8098) are reports too, but about reading, not delivery.
  if (/^\s*multipart\/report\b/.test(contentType)) return "auto-generated";

  // Pre-RFC 3834 markers that vacation responders (Exchange, cPanel, Gmail) still send.
  for (const name of ["x-autoreply", "x-autorespond", "x-autoresponder"]) {
    const value = token(get(name));
    if (value !== undefined && !["no", "false", "0"].includes(value)) return "auto-reply";
  }
  // A null reverse-path is reserved for mail no one may answer (RFC 5321 §4.5.5, RFC 3834 §3.3).
  if (get("return-path")?.replace(/\s/g, "") === "<>") return "auto-generated";
  const precedence = token(get("precedence"));
  if (precedence === "auto_reply") return "auto-reply";
  if (precedence === "list") return "mailing-list";
  if (precedence === "bulk" || precedence === "junk") return "bulk";
  if (get("list-id") !== undefined || get("list-unsubscribe") !== undefined) return "mailing-list";
  return undefined;
}

function headerReader(headers: MailHeaders): (name: string) => string | undefined {
  if (Array.isArray(headers)) {
    const lines = headers as ReadonlyArray<{ key: string; value: string }>;
    // The first occurrence is the outermost (most recently added) header, which is what counts.
    return (name) => lines.find((h) => h.key.toLowerCase() === name)?.value;
  }
  const record = headers as Readonly<Record<string, string | undefined>>;
  const byLower = new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
  return (name) => byLower.get(name);
}

/** The first token of a header value, lowercased: `Auto-Submitted: auto-replied (vacation)` → `auto-replied`. */
function token(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.trim().split(/[\s;(]/, 1)[0]!.toLowerCase();
}

function senderAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const first = addressParser(value, { flatten: true })[0];
  return first?.address?.trim().toLowerCase() || undefined;
}
