import type { ChannelType } from "../db/schema";
import { InboundParseError, type NormalizedInbound } from "./inbound";
import { parseApiChannel, parseTelegram, parseTwilio, parseWhatsApp } from "./normalize";
import { parseWidgetMessage, WIDGET_VISITOR_HEADER } from "./widget-delivery";

export interface ParsableChannel {
  type: ChannelType;
  credentials: Record<string, string> | null;
}

/**
 * WhatsApp Business accounts deliver every number's webhooks to one app: only the changes addressed to
 * this channel's own `phone_number_id` belong to it (another number's messages must not land here).
 */
function forThisNumber(json: unknown, phoneNumberId: string | undefined): unknown {
  if (!phoneNumberId || typeof json !== "object" || json === null || !Array.isArray((json as { entry?: unknown }).entry)) return json;
  const entry = (json as { entry: Array<{ changes?: unknown }> }).entry.map((e) => {
    if (typeof e !== "object" || e === null || !Array.isArray(e.changes)) return e;
    const changes = e.changes.filter((c: { value?: { metadata?: { phone_number_id?: unknown } } }) => {
      const id = c?.value?.metadata?.phone_number_id;
      return id === undefined || String(id) === phoneNumberId;
    });
    return { ...e, changes };
  });
  return { ...json, entry };
}

/**
 * Parses a verified delivery into the normalized model (throws InboundParseError when unusable).
 * `headers` are the delivery's logged headers: a web chat delivery's sender is the visitor the server
 * authenticated (recorded there by the widget route), never anything in the body.
 */
export function parseDelivery(channel: ParsableChannel, raw: Uint8Array, opts: { form?: URLSearchParams; headers?: Record<string, string> } = {}): NormalizedInbound[] {
  if (channel.type === "twilio_sms") return parseTwilio(opts.form ?? new URLSearchParams(new TextDecoder().decode(raw)));
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw)) as unknown;
  } catch {
    throw new InboundParseError(channel.type === "telegram" ? "telegram" : channel.type === "whatsapp" ? "whatsapp" : "api", "", "body is not valid JSON");
  }
  switch (channel.type) {
    case "whatsapp":
      return parseWhatsApp(forThisNumber(json, channel.credentials?.phone_number_id));
    case "telegram":
      return parseTelegram(json);
    case "webchat": {
      const visitor = opts.headers?.[WIDGET_VISITOR_HEADER];
      if (!visitor) throw new InboundParseError("api", "headers", "the delivery has no authenticated visitor");
      return [parseWidgetMessage(json, visitor)];
    }
    default:
      return parseApiChannel(json);
  }
}
