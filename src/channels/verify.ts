import type { ChannelType } from "../db/schema";
import { verifyMetaSignature, verifyParleySignature, verifyTelegramSecret, verifyTwilioSignature } from "./signatures";

export interface DeliveryToVerify {
  type: ChannelType;
  credentials: Record<string, string> | null;
  raw: Uint8Array;
  header(name: string): string | undefined;
  /** The public URL the provider called (Twilio signs it). */
  url: string;
  form?: URLSearchParams;
}

/** Returns why a delivery is not authentic, or undefined when it is — exactly as each provider documents. */
export async function whyNotAuthentic(d: DeliveryToVerify): Promise<string | undefined> {
  const c = d.credentials ?? {};
  switch (d.type) {
    case "whatsapp":
      if (!c.app_secret) return "channel has no app secret";
      if (!d.header("x-hub-signature-256")) return "missing X-Hub-Signature-256";
      return (await verifyMetaSignature(d.raw, d.header("x-hub-signature-256"), c.app_secret)) ? undefined : "bad X-Hub-Signature-256";
    case "telegram":
      if (!c.secret_token) return "channel has no secret token";
      if (!d.header("x-telegram-bot-api-secret-token")) return "missing X-Telegram-Bot-Api-Secret-Token";
      return (await verifyTelegramSecret(d.header("x-telegram-bot-api-secret-token"), c.secret_token)) ? undefined : "bad X-Telegram-Bot-Api-Secret-Token";
    case "twilio_sms":
      if (!c.auth_token) return "channel has no auth token";
      if (!d.header("x-twilio-signature")) return "missing X-Twilio-Signature";
      return (await verifyTwilioSignature(d.url, d.form ?? new URLSearchParams(), d.header("x-twilio-signature"), c.auth_token)) ? undefined : "bad X-Twilio-Signature";
    case "api":
    case "email": // raw mail posted by a relay, signed like the API channel
      if (!c.signing_secret) return "channel has no signing secret";
      if (!d.header("x-parley-signature")) return "missing X-Parley-Signature";
      return (await verifyParleySignature(d.raw, d.header("x-parley-signature"), c.signing_secret)) ? undefined : "bad X-Parley-Signature";
    default:
      return `${d.type} deliveries are not accepted on this endpoint`;
  }
}
