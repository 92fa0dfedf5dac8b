import { z } from "@hono/zod-openapi";
import type { ChannelType } from "../../db/schema";
import { AppError } from "../../lib/errors";

/**
 * What each channel type is configured with. `config` is plain, returned by the API and shown in the
 * app; `credentials` are encrypted at rest and never returned. Objects are strict so a secret pasted
 * under a wrong name is refused rather than silently stored in plain `config`.
 */

// Tokens travel in HTTP headers (Bearer, Basic): printable ASCII only, no spaces or line breaks.
const visible = z.string().regex(/^[\x21-\x7e]+$/, "Must be printable ASCII without spaces");

const e164 = z.string().trim().regex(/^\+[1-9][0-9]{6,14}$/, "Must be an E.164 phone number, like +15551234567");

const origin = z
  .string()
  .trim()
  .refine((o) => {
    try {
      const u = new URL(o);
      return (u.protocol === "https:" || u.protocol === "http:") && u.origin === o;
    } catch {
      return false;
    }
  }, "Must be an origin like https://shop.example.com (scheme and host, no path)");

export const WhatsAppCredentials = z.strictObject({
  app_secret: z.string().min(1).max(256).openapi({ description: "Verifies X-Hub-Signature-256 on webhooks" }),
  verify_token: z.string().min(1).max(256).openapi({ description: "Echoed back in Meta's webhook subscription handshake" }),
  access_token: visible.max(4096).openapi({ description: "System user token used to send replies" }),
  phone_number_id: z.string().regex(/^[0-9]{5,30}$/, "Must be the numeric phone number id from WhatsApp Manager"),
});

export const TelegramCredentials = z.strictObject({
  // The token becomes part of the API path (`/bot<token>/sendMessage`), so its shape is enforced.
  bot_token: z.string().regex(/^[0-9]{1,20}:[A-Za-z0-9_-]{1,200}$/, "Must be a bot token from @BotFather, like 123456789:AAE…"),
  secret_token: z
    .string()
    // Telegram accepts 1–256 characters, but this secret is the only thing standing between the public
    // webhook URL and a forged update: 16 is the floor below which guessing it becomes practical.
    .regex(/^[A-Za-z0-9_-]{16,256}$/, "Must be 16–256 characters: A-Z, a-z, 0-9, _ and -")
    .openapi({ description: "The secret_token given to setWebhook; Telegram echoes it in X-Telegram-Bot-Api-Secret-Token" }),
});

export const TwilioCredentials = z.strictObject({
  // The SID becomes part of the API path, so its documented shape (AC + 32 hex) is enforced.
  account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "Must be a Twilio Account SID (AC followed by 32 hex characters)"),
  auth_token: visible.max(256),
});

export const ApiCredentials = z.strictObject({
  signing_secret: z
    .string()
    .min(32, "Must be at least 32 characters")
    .max(256)
    .optional()
    .openapi({ description: "HMAC-SHA256 key for X-Parley-Signature. Omit it and Parley generates one, returned once" }),
});

export const WhatsAppConfig = z.strictObject({ display_phone_number: e164.optional() });
export const TelegramConfig = z.strictObject({ bot_username: z.string().regex(/^[A-Za-z0-9_]{5,32}$/, "Must be the bot's username without @").optional() });
export const TwilioConfig = z.strictObject({ from: e164.openapi({ description: "Your Twilio number that sends the replies" }) });
export const ApiConfig = z.strictObject({});
export const WebchatConfig = z.strictObject({
  allowed_origins: z.array(origin).min(1, "List at least one origin").max(20).openapi({ description: "Origins allowed to open the web chat" }),
});
export const EmailConfig = z.strictObject({
  address: z.string().trim().toLowerCase().email("Must be an email address").max(254).openapi({ description: "The support address customers write to (routed to Parley by Cloudflare Email Routing or a relay)" }),
  mailgun_domain: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i, "Must be a domain name")
    .optional()
    .openapi({ description: "Your Mailgun sending domain; replies go out through Mailgun when set with credentials.mailgun_api_key" }),
  mailgun_region: z.enum(["us", "eu"]).optional(),
});

export const EmailCredentials = z.strictObject({
  signing_secret: z
    .string()
    .min(32, "Must be at least 32 characters")
    .max(256)
    .optional()
    .openapi({ description: "HMAC-SHA256 key for X-Parley-Signature on raw mail posted by a relay. Omit it and Parley generates one, returned once" }),
  mailgun_api_key: visible.max(256).optional().openapi({ description: "Mailgun API key used to send replies" }),
});

export const CHANNEL_SETTINGS = {
  whatsapp: { config: WhatsAppConfig, credentials: WhatsAppCredentials, credentialsRequired: true },
  telegram: { config: TelegramConfig, credentials: TelegramCredentials, credentialsRequired: true },
  twilio_sms: { config: TwilioConfig, credentials: TwilioCredentials, credentialsRequired: true },
  api: { config: ApiConfig, credentials: ApiCredentials, credentialsRequired: false },
  webchat: { config: WebchatConfig, credentials: null, credentialsRequired: false },
  email: { config: EmailConfig, credentials: EmailCredentials, credentialsRequired: false },
} satisfies Record<ChannelType, { config: z.ZodType; credentials: z.ZodType | null; credentialsRequired: boolean }>;

export const DEBOUNCE_MS = { default: 15_000, max: 600_000 };
export const MAX_WAIT_MS = { default: 60_000, max: 3_600_000 };

/** A zod failure as the API's VALIDATION_FAILED, with `field` as a dotted path (`credentials.bot_token`). */
export function validationError(error: z.ZodError, prefix?: string): AppError {
  const issues = error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join("."), message: i.message }));
  const first = issues[0]!;
  return new AppError("VALIDATION_FAILED", `${first.path || "body"}: ${first.message}`, { field: first.path || undefined, issues });
}

export function parseConfig(type: ChannelType, config: unknown): Record<string, unknown> {
  const parsed = CHANNEL_SETTINGS[type].config.safeParse(config ?? {});
  if (!parsed.success) throw validationError(parsed.error, "config");
  return parsed.data;
}

/** Validated credentials for `type`, or null for types that take none. */
export function parseCredentials(type: ChannelType, credentials: unknown): Record<string, string> | null {
  const settings = CHANNEL_SETTINGS[type];
  if (!settings.credentials) {
    if (credentials !== undefined && credentials !== null) throw new AppError("VALIDATION_FAILED", `credentials: ${type} channels take no credentials`, { field: "credentials" });
    return null;
  }
  if (credentials === undefined && settings.credentialsRequired) throw new AppError("VALIDATION_FAILED", `credentials: ${type} channels need credentials`, { field: "credentials" });
  const parsed = settings.credentials.safeParse(credentials ?? {});
  if (!parsed.success) throw validationError(parsed.error, "credentials");
  return Object.fromEntries(Object.entries(parsed.data).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/**
 * Debounce and max wait after defaults. On create, max wait defaults to at least the debounce, so a long
 * debounce alone is valid; on update, an untouched max wait is kept, and a conflict is reported, not fixed.
 */
export function resolveTiming(input: { debounce_ms?: number; max_wait_ms?: number }, current?: { debounceMs: number; maxWaitMs: number }) {
  const debounceMs = input.debounce_ms ?? current?.debounceMs ?? DEBOUNCE_MS.default;
  const maxWaitMs = input.max_wait_ms ?? current?.maxWaitMs ?? Math.max(MAX_WAIT_MS.default, debounceMs);
  if (maxWaitMs < debounceMs) throw new AppError("VALIDATION_FAILED", "max_wait_ms: must be at least debounce_ms", { field: "max_wait_ms" });
  return { debounceMs, maxWaitMs };
}
