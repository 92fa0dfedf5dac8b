import type { ChannelType } from "../../db/schema";
import type { AppConfig } from "../../env";
import type { Credentials } from "../../services/channels/credentials";
import { ProviderError, type Provider } from "./provider-call";
import { sendTelegramText } from "./telegram";
import { sendTwilioSms } from "./twilio";
import { sendWhatsAppText } from "./whatsapp";

export { ProviderError } from "./provider-call";

export interface OutboundText {
  to: string;
  text: string;
}

/**
 * How each provider-backed channel type replies: which contact identity is the recipient and which
 * adapter sends. Base URLs come from the configuration, so tests and local runs point them at doubles.
 */
export interface ChannelSender {
  identityKind: string;
  send(config: AppConfig, credentials: Credentials, channelConfig: Record<string, unknown>, message: OutboundText): Promise<string>;
}

/** Credentials were validated when saved; a gap here is a broken row, which no retry repairs. */
function need<K extends string>(provider: Provider, credentials: Credentials, ...keys: K[]): Record<K, string> {
  for (const k of keys) if (!credentials[k]) throw new ProviderError(provider, null, `The channel's credentials lack ${k}`, true);
  return credentials as Record<K, string>;
}

export const SENDERS: Partial<Record<ChannelType, ChannelSender>> = {
  whatsapp: {
    identityKind: "whatsapp",
    send: (config, c, _cfg, m) => sendWhatsAppText(config.WHATSAPP_API_BASE, need("whatsapp", c, "access_token", "phone_number_id"), m.to, m.text),
  },
  telegram: {
    identityKind: "telegram",
    send: (config, c, _cfg, m) => sendTelegramText(config.TELEGRAM_API_BASE, need("telegram", c, "bot_token"), m.to, m.text),
  },
  twilio_sms: {
    identityKind: "phone",
    send: (config, c, cfg, m) => {
      if (typeof cfg.from !== "string") throw new ProviderError("twilio", null, "The channel has no `from` number configured", true);
      return sendTwilioSms(config.TWILIO_API_BASE, need("twilio", c, "account_sid", "auth_token"), cfg.from, m.to, m.text);
    },
  },
};
