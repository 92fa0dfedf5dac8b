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
  /** JSON array of private ES256 JWKs, each with a `kid`; the first signs, all verify (rotation). */
  JWT_SIGNING_KEYS: z.string().min(1),
  JWT_ISSUER: z.string().min(1).default("https://parley.local"),
  JWT_AUDIENCE: z.string().min(1).default("parley-api"),
  /** Public origin, used for links shown to users (webhook URLs, invitations). */
  PUBLIC_URL: z.string().url().optional(),
  RATE_LIMIT_SIGNUP_PER_IP: z.coerce.number().int().positive().default(20),
  RATE_LIMIT_SIGNUP_PER_EMAIL: z.coerce.number().int().positive().default(5),
  RATE_LIMIT_LOGIN_PER_IP: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_LOGIN_PER_EMAIL: z.coerce.number().int().positive().default(10),
});

export type AppConfig = z.infer<typeof envSchema>;

export interface Env extends Record<string, unknown> {
  RATE_LIMITER: DurableObjectNamespace<import("../durable-objects/rate-limiter/rate-limiter").RateLimiter>;
}

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
