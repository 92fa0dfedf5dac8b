import { z } from "@hono/zod-openapi";
import { CHANNEL_TYPES, type channels } from "../../db/schema";
import type { AppConfig } from "../../env";
import {
  ApiConfig,
  ApiCredentials,
  DEBOUNCE_MS,
  EmailConfig,
  EmailCredentials,
  MAX_WAIT_MS,
  TelegramConfig,
  TelegramCredentials,
  TwilioConfig,
  TwilioCredentials,
  WebchatConfig,
  WhatsAppConfig,
  WhatsAppCredentials,
} from "./settings";

type ChannelRow = typeof channels.$inferSelect;

const timing = {
  name: z.string().trim().min(1, "Name is required").max(100),
  debounce_ms: z.number().int().min(0).max(DEBOUNCE_MS.max).optional().openapi({ description: "Quiet period that groups rapid messages; default 15000" }),
  max_wait_ms: z.number().int().min(0).max(MAX_WAIT_MS.max).optional().openapi({ description: "Longest a group waits; default 60000 (at least debounce_ms)" }),
};
const noCredentials = (type: string) => z.null({ error: `${type} channels take no credentials` }).optional();

/**
 * The create body, one variant per type, so the document lists each type's credentials and a request
 * with the wrong ones fails naming the field (`credentials.secret_token`).
 */
export const ChannelCreate = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("whatsapp"), ...timing, config: WhatsAppConfig.optional(), credentials: WhatsAppCredentials }).openapi("WhatsAppChannelInput"),
    z.object({ type: z.literal("telegram"), ...timing, config: TelegramConfig.optional(), credentials: TelegramCredentials }).openapi("TelegramChannelInput"),
    z.object({ type: z.literal("twilio_sms"), ...timing, config: TwilioConfig, credentials: TwilioCredentials }).openapi("TwilioSmsChannelInput"),
    z.object({ type: z.literal("api"), ...timing, config: ApiConfig.optional(), credentials: ApiCredentials.optional() }).openapi("ApiChannelInput"),
    z.object({ type: z.literal("webchat"), ...timing, config: WebchatConfig, credentials: noCredentials("webchat") }).openapi("WebchatChannelInput"),
    z
      .object({ type: z.literal("email"), ...timing, config: EmailConfig, credentials: EmailCredentials.optional() })
      .openapi("EmailChannelInput", {
        description: "Mail to config.address arrives through Cloudflare Email Routing or as raw RFC 822 posted to the webhook URL (signed); replies go out through Mailgun",
      }),
  ])
  .openapi("ChannelInput");
export type ChannelCreateInput = {
  type: ChannelRow["type"];
  name: string;
  config?: unknown;
  credentials?: unknown;
  debounce_ms?: number;
  max_wait_ms?: number;
};

/** Type-specific parts of a patch are checked against the channel's type in the service. */
export const ChannelPatch = z
  .object({
    name: timing.name.optional(),
    config: z.record(z.string(), z.unknown()).optional().openapi({ description: "Replaces the whole config; same shape as on create" }),
    credentials: z
      .record(z.string(), z.string())
      .optional()
      .openapi({ description: "Replaces all credentials (rotation); same fields as on create. For api channels `{}` generates a new signing secret, returned once" }),
    debounce_ms: timing.debounce_ms,
    max_wait_ms: timing.max_wait_ms,
    status: z.enum(["active", "disabled"]).optional().openapi({ description: "A disabled channel keeps its settings but neither receives nor sends" }),
    flow_id: z.string().uuid().nullable().optional().openapi({ description: "The bot flow this channel's conversations run (its published version); null for the workspace default" }),
    default_team_id: z.string().uuid().nullable().optional().openapi({ description: "The team this channel's new conversations belong to (escalations go to it unless a flow names another); null: none" }),
    version: z.number().int().positive().optional(),
  })
  .openapi("ChannelPatch");
export type ChannelPatchInput = Omit<z.infer<typeof ChannelPatch>, "version">;

export const ChannelSchema = z
  .object({
    id: z.string().uuid(),
    type: z.enum(CHANNEL_TYPES),
    name: z.string(),
    webhook_url: z.string().openapi({ description: "Where the provider delivers this channel's inbound messages" }),
    config: z.record(z.string(), z.unknown()),
    debounce_ms: z.number().int(),
    max_wait_ms: z.number().int(),
    status: z.enum(["active", "disabled"]),
    has_credentials: z.boolean().openapi({ description: "Credentials are stored (encrypted); they are never returned" }),
    flow_id: z.string().uuid().nullable().openapi({ description: "The bot flow this channel runs; null: the workspace default" }),
    default_team_id: z.string().uuid().nullable().openapi({ description: "The team this channel's new conversations belong to; null: none" }),
    created_at: z.string(),
    updated_at: z.string(),
    version: z.number().int(),
  })
  .openapi("Channel");
export type Channel = z.infer<typeof ChannelSchema>;

/** Create and rotation answers may carry a generated api signing secret: shown this once, never again. */
export const ChannelWithSecretSchema = ChannelSchema.extend({
  signing_secret: z.string().optional().openapi({ description: "api channels, when Parley generated the secret: shown only in this response" }),
}).openapi("ChannelWithSecret");
export type ChannelWithSecret = z.infer<typeof ChannelWithSecretSchema>;

/** The exact shape the webhook routes parse: `/hooks/<type>/<tenant id>/<channel id>`. */
export function webhookUrl(config: Pick<AppConfig, "PUBLIC_URL">, row: Pick<ChannelRow, "type" | "tenantId" | "id">): string {
  const origin = (config.PUBLIC_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
  return `${origin}/hooks/${row.type}/${row.tenantId}/${row.id}`;
}

export function toChannel(config: Pick<AppConfig, "PUBLIC_URL">, row: ChannelRow): Channel {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    webhook_url: webhookUrl(config, row),
    config: row.config,
    debounce_ms: row.debounceMs,
    max_wait_ms: row.maxWaitMs,
    status: row.status,
    has_credentials: row.credentialsCiphertext !== null,
    flow_id: row.flowId ?? null,
    default_team_id: row.defaultTeamId ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    version: row.version,
  };
}
