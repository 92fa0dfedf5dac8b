/**
 * Twilio Programmable Messaging (SMS, MMS, WhatsApp-via-Twilio) form webhooks → NormalizedInbound[].
 * The same endpoint may receive incoming-message webhooks and outbound status callbacks; the
 * latter are recognised by `MessageStatus`. Twilio adds parameters without notice, so only the
 * ones read below matter and everything else is ignored.
 */
import { compact, formToObject, InboundParseError, type InboundSender, type InboundStatus, type MessageContent, type NormalizedInbound, mediaTypeFromMime } from "./inbound";

// Intermediate states (queued, sending, accepted, scheduled, …) are not surfaced; undelivered and
// canceled are terminal failures from the agent's point of view.
const STATUS_MAP: Record<string, InboundStatus> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  failed: "failed",
  undelivered: "failed",
  canceled: "failed",
};

// Inbound messages report their own lifecycle as received/receiving; those are not status updates.
const INBOUND_STATES = new Set(["received", "receiving"]);

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw new InboundParseError("twilio", name, "required parameter is missing");
  return value;
}

function number(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new InboundParseError("twilio", name, `expected a number, got "${raw}"`);
  return n;
}

/** WhatsApp-via-Twilio addresses look like `whatsapp:+15551234567`; the phone is what follows the prefix. */
function sender(params: URLSearchParams, from: string): InboundSender {
  const phone = from.replace(/^[a-z]+:/i, "");
  return compact({ id: from, phone: /^\+\d{6,15}$/.test(phone) ? phone : undefined, name: params.get("ProfileName") || undefined });
}

/**
 * `now` stands in for the event time: Twilio's messaging webhooks carry no timestamp.
 * An MMS with several attachments becomes one message per attachment (`<sid>`, `<sid>:1`, …)
 * because the model holds one content item per message; the text rides on the first as caption.
 */
export function parseTwilio(params: URLSearchParams, now: number = Date.now()): NormalizedInbound[] {
  // SmsSid/SmsMessageSid are deprecated aliases that older accounts still receive alone.
  const sid = params.get("MessageSid") || params.get("SmsMessageSid") || params.get("SmsSid");
  if (!sid) throw new InboundParseError("twilio", "MessageSid", "required parameter is missing");

  const messageStatus = params.get("MessageStatus");
  if (messageStatus && !INBOUND_STATES.has(messageStatus)) {
    const status = STATUS_MAP[messageStatus];
    if (!status) return [];
    const code = params.get("ErrorCode");
    const error = code ? [code, params.get("ErrorMessage")].filter(Boolean).join(": ") : undefined;
    return [compact({ kind: "status" as const, externalId: sid, status, timestamp: now, recipientId: params.get("To") || undefined, error })];
  }

  const from = sender(params, required(params, "From"));
  const body = params.get("Body") ?? "";
  const base = { kind: "message" as const, from, timestamp: now, replyTo: params.get("OriginalRepliedMessageSid") || undefined, raw: formToObject(params) };

  const numMedia = number(params, "NumMedia") ?? 0;
  if (!Number.isInteger(numMedia) || numMedia < 0) throw new InboundParseError("twilio", "NumMedia", "expected a non-negative integer");
  if (numMedia > 0) {
    return Array.from({ length: numMedia }, (_, i) => {
      const mimeType = params.get(`MediaContentType${i}`) || undefined;
      const content: MessageContent = compact({
        type: "media" as const,
        mediaType: mediaTypeFromMime(mimeType),
        url: required(params, `MediaUrl${i}`),
        mimeType,
        caption: i === 0 && body ? body : undefined,
      });
      return compact({ ...base, externalId: i === 0 ? sid : `${sid}:${i}`, content });
    });
  }

  const latitude = number(params, "Latitude");
  const longitude = number(params, "Longitude");
  let content: MessageContent;
  if (latitude !== undefined && longitude !== undefined) {
    content = compact({ type: "location" as const, latitude, longitude, name: params.get("Label") || undefined, address: params.get("Address") || undefined });
  } else if (body) {
    content = { type: "text", text: body };
  } else {
    // Empty body without media: a WhatsApp type Twilio does not expand (MessageType names it).
    content = { type: "unsupported", providerType: params.get("MessageType") || "unknown" };
  }
  return [compact({ ...base, externalId: sid, content })];
}
