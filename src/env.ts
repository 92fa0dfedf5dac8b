import { z } from "zod";

/**
 * Worker configuration, checked once per isolate. Secrets (DATABASE_URL, JWT_SIGNING_KEYS) come from
 * `wrangler secret put` in production and `.dev.vars` locally; the rest are `[vars]` in wrangler.toml.
 */
export const envSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
  DATABASE_URL: z.string().url(),
  /** Local only: host:port of the WebSocket-to-TCP bridge standing in for Neon's proxy. */
  DB_WS_PROXY: z.string().optional(),
  /** Local only: URL of the bridge's stand-in for Neon's SQL-over-HTTP endpoint (`http://host:port/sql`). */
  DB_HTTP_ENDPOINT: z.string().url().optional(),
  /** JSON array of private ES256 JWKs, each with a `kid`; the first signs, all verify (rotation). */
  JWT_SIGNING_KEYS: z.string().min(1),
  JWT_ISSUER: z.string().min(1).default("https://parley.local"),
  JWT_AUDIENCE: z.string().min(1).default("parley-api"),
  /** Public origin, used for links shown to users (webhook URLs, invitations). */
  PUBLIC_URL: z.string().url().optional(),
  /**
   * JSON object of AES-256-GCM keys for channel credentials, `{"<key id>": "<base64 32 bytes>"}`; the
   * first entry encrypts, all decrypt (rotation: add a new first key, re-encrypt, drop the old one).
   */
  CREDENTIALS_KEYS: z.string().min(1).optional(),
  /**
   * Secret the web chat widget's visitor tokens are derived from (HKDF, one HMAC key per channel).
   * Required in production; in development and test it is derived from JWT_SIGNING_KEYS when unset.
   */
  WIDGET_SIGNING_KEY: z.string().min(32).optional(),
  /** Secret each workspace's flow `http` request signing secret is derived from (HKDF); required in production for `http` nodes. */
  FLOW_SIGNING_KEY: z.string().min(32).optional(),
  /** How long an isolate trusts its cached copy of a channel on the webhook hot path (see channel-cache.ts). */
  CHANNEL_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
  /** Provider API base URLs; a local sandbox can stand in for them. */
  WHATSAPP_API_BASE: z.string().url().default("https://graph.facebook.com/v21.0"),
  TELEGRAM_API_BASE: z.string().url().default("https://api.telegram.org"),
  TWILIO_API_BASE: z.string().url().default("https://api.twilio.com"),
  /** Mailgun's API for email replies (EU accounts: https://api.eu.mailgun.net). */
  MAILGUN_API_BASE: z.string().url().default("https://api.mailgun.net"),
  /** Stripe: secret key, webhook signing secret, and (tests, local) where the API is. */
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  STRIPE_API_HOST: z.string().optional(),
  STRIPE_API_PORT: z.coerce.number().int().positive().optional(),
  STRIPE_API_PROTOCOL: z.enum(["http", "https"]).optional(),
  RATE_LIMIT_SIGNUP_PER_IP: z.coerce.number().int().positive().default(20),
  RATE_LIMIT_SIGNUP_PER_EMAIL: z.coerce.number().int().positive().default(5),
  RATE_LIMIT_LOGIN_PER_IP: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_LOGIN_PER_EMAIL: z.coerce.number().int().positive().default(10),
});

export type AppConfig = z.infer<typeof envSchema>;

/**
 * The Worker's bindings and vars: `WranglerEnv` is generated from wrangler.toml into
 * worker-configuration.d.ts (`npm run types:env`; CI fails when it is stale), so a binding added there
 * is typed here with no hand edit. Secrets and optional settings (validated by `envSchema` above) are
 * not in wrangler.toml and are declared below; the queues are narrowed to what travels on them. A type
 * alias rather than an interface, so it still passes where plain records of settings are read.
 */
export type Env = Omit<WranglerEnv, "OUTBOX_QUEUE" | "OUTBOX_DLQ" | "USAGE_QUEUE"> & {
  OUTBOX_QUEUE: Queue<import("./queues/outbox-relay").OutboxMessage>;
  OUTBOX_DLQ: Queue<import("./queues/outbox-relay").OutboxMessage>;
  USAGE_QUEUE: Queue<import("./services/billing/usage").UsageReport>;
  // Secrets: `wrangler secret put` in production, .dev.vars locally.
  DATABASE_URL?: string;
  JWT_SIGNING_KEYS?: string;
  CREDENTIALS_KEYS?: string;
  WIDGET_SIGNING_KEY?: string;
  FLOW_SIGNING_KEY?: string;
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  // Optional settings with defaults in envSchema (local runs and tests set them).
  DB_WS_PROXY?: string;
  DB_HTTP_ENDPOINT?: string;
  PUBLIC_URL?: string;
  CHANNEL_CACHE_TTL_MS?: string;
  WHATSAPP_API_BASE?: string;
  TELEGRAM_API_BASE?: string;
  TWILIO_API_BASE?: string;
  MAILGUN_API_BASE?: string;
  STRIPE_API_HOST?: string;
  STRIPE_API_PORT?: string;
  STRIPE_API_PROTOCOL?: string;
  RATE_LIMIT_SIGNUP_PER_IP?: string;
  RATE_LIMIT_SIGNUP_PER_EMAIL?: string;
  RATE_LIMIT_LOGIN_PER_IP?: string;
  RATE_LIMIT_LOGIN_PER_EMAIL?: string;
  // Language understanding (src/understanding/select.ts reads and validates these).
  AI?: unknown;
  AI_PROVIDER?: string;
  AI_MODEL?: string;
  AI_BASE_URL?: string;
  AI_API_KEY?: string;
  AI_TIMEOUT_MS?: string;
  AI_PRICE_INPUT_CENTS_PER_MTOK?: string;
  AI_PRICE_OUTPUT_CENTS_PER_MTOK?: string;
  // Knowledge search: local | cloudflare (src/knowledge/select.ts reads and validates it).
  KNOWLEDGE_BACKEND?: string;
  /** Uploaded files (src/knowledge/file-store.ts); without it they are kept in Postgres. */
  KNOWLEDGE_FILES?: unknown;
};

let cached: { source: unknown; config: AppConfig } | undefined;

export function loadConfig(env: Env): AppConfig {
  if (cached?.source === env) return cached.config;
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // Name the variables, never their values: they are secrets.
    const fields = parsed.error.issues.map((i) => i.path.join(".")).join(", ");
    throw new Error(`Invalid Worker configuration: ${fields}`);
  }
  cached = { source: env, config: parsed.data };
  return parsed.data;
}
