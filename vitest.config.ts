import { readFileSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { freePort } from "./scripts/lib/free-port.ts";
import { generateSigningKeys } from "./scripts/lib/jwt-keys.ts";
import { STRIPE_TEST_KEYS } from "./scripts/lib/stripe-double/keys.ts";
import { generateCredentialsKeys } from "./scripts/lib/credentials-keys.ts";

/** The stripe package ships source maps naming sources it does not ship; Vite would warn once per file. */
function withoutStripeSourcemaps() {
  return {
    name: "parley:stripe-without-sourcemaps",
    enforce: "pre" as const,
    load(id: string) {
      const file = id.split("?")[0]!;
      if (!/[\\/]node_modules[\\/]stripe[\\/]esm[\\/].*\.js$/.test(file)) return null;
      return readFileSync(file, "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
    },
  };
}

/**
 * Two projects:
 * - `workers`: API, security and Durable Object tests inside workerd (Cloudflare's Vitest integration),
 *   reaching Postgres through the Neon driver and the local WebSocket bridge, as the Worker does.
 *   Postgres is a throwaway embedded PGlite, or a real server when TEST_DATABASE_URL is set.
 * - `browser`: real headless Chromium against `wrangler dev` (the same stack `npm run dev` starts).
 */
export default defineConfig(async () => {
  // Bindings are fixed at config time, so the ports are picked here and handed to global-setup.ts.
  process.env.PARLEY_TEST_PG_PORT ??= String(await freePort());
  process.env.PARLEY_TEST_BRIDGE_PORT ??= String(await freePort());
  process.env.PARLEY_TEST_JWT_KEYS ??= await generateSigningKeys();
  process.env.PARLEY_TEST_STRIPE_PORT ??= String(await freePort());
  process.env.PARLEY_TEST_PROVIDERS_PORT ??= String(await freePort());
  process.env.PARLEY_TEST_CREDENTIALS_KEYS ??= generateCredentialsKeys();
  const providersUrl = `http://127.0.0.1:${process.env.PARLEY_TEST_PROVIDERS_PORT}`;
  const embeddedUrl = `postgres://postgres@127.0.0.1:${process.env.PARLEY_TEST_PG_PORT}/postgres`;
  const appUrl = process.env.TEST_DATABASE_URL ?? embeddedUrl;
  const ownerUrl = process.env.TEST_OWNER_DATABASE_URL ?? appUrl;

  return {
    test: {
      globalSetup: ["./test/global-setup.ts"],
      // One file at a time: the embedded database runs one transaction at a time, and a file with long
      // bursts of them (routing's 1,000 concurrent assignments) stalled another file's checks past their
      // timeout when two ran side by side.
      maxWorkers: 1,
      projects: [
        {
          plugins: [
            withoutStripeSourcemaps(),
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              // The AI and Vectorize bindings are remote-only; tests use the offline embedder and index.
              remoteBindings: false,
              miniflare: {
                bindings: {
                  ENVIRONMENT: "test",
                  // Tests change channels and deliver at once; the cache has its own test.
                  CHANNEL_CACHE_TTL_MS: "0",
                  DATABASE_URL: appUrl,
                  // Test-only: the owner connection, for catalog checks and setting up states (suspension).
                  OWNER_DATABASE_URL: ownerUrl,
                  DB_WS_PROXY: `127.0.0.1:${process.env.PARLEY_TEST_BRIDGE_PORT}`,
                  DB_HTTP_ENDPOINT: `http://127.0.0.1:${process.env.PARLEY_TEST_BRIDGE_PORT}/sql`,
                  JWT_SIGNING_KEYS: process.env.PARLEY_TEST_JWT_KEYS,
                  JWT_ISSUER: "https://parley.test",
                  JWT_AUDIENCE: "parley-api",
                  PUBLIC_URL: "https://parley.test",
                  DB_KIND: process.env.TEST_DATABASE_URL ? "server" : "embedded",
                  // The real stripe SDK pointed at the local Stripe double (scripts/lib/stripe-double, started in global-setup.ts).
                  STRIPE_SECRET_KEY: STRIPE_TEST_KEYS.secretKey,
                  STRIPE_WEBHOOK_SECRET: STRIPE_TEST_KEYS.webhookSecret,
                  STRIPE_API_HOST: "127.0.0.1",
                  STRIPE_API_PORT: process.env.PARLEY_TEST_STRIPE_PORT,
                  STRIPE_API_PROTOCOL: "http",
                  CREDENTIALS_KEYS: process.env.PARLEY_TEST_CREDENTIALS_KEYS,
                  // Provider APIs point at the local double (test/doubles/providers-double.ts, started in global-setup.ts).
                  PROVIDER_DOUBLE_URL: providersUrl,
                  WHATSAPP_API_BASE: `${providersUrl}/whatsapp/v21.0`,
                  TELEGRAM_API_BASE: `${providersUrl}/telegram`,
                  TWILIO_API_BASE: `${providersUrl}/twilio`,
                  MAILGUN_API_BASE: `${providersUrl}/mailgun`,
                  // More fuzz cases per operation than npm test's default (test/fuzz.security.test.ts).
                  PARLEY_FUZZ_RUNS: process.env.PARLEY_FUZZ_RUNS ?? "",
                },
              },
            }),
          ],
          test: {
            name: "workers",
            // One workerd and one module cache for every file, not a fresh runtime per file: starting one
            // and fetching each file's modules from Vite cost about five minutes of a run. Files do not
            // rely on a fresh isolate: each makes its own workspaces, and Postgres is shared anyway.
            isolate: false,
            // Each test file's isolate fetches every module it imports one at a time from Vite; the
            // dependencies with hundreds of files (zod, drizzle, stripe, hono) are pre-bundled into one each.
            deps: {
              optimizer: {
                ssr: {
                  enabled: true,
                  include: [
                    "zod", "drizzle-orm", "drizzle-orm/pg-core", "drizzle-orm/batch", "drizzle-orm/neon-serverless", "drizzle-orm/neon-http",
                    "stripe", "hono", "hono/body-limit", "hono/factory", "hono/jsx", "hono/cookie", "hono/secure-headers", "hono/http-exception", "hono/html",
                    "@hono/zod-openapi", "jose", "@neondatabase/serverless", "@marcbachmann/cel-js", "@date-fns/tz", "date-fns", "postal-mime", "mimetext/browser",
                    "@dagrejs/dagre", "openapi-fetch", "fast-check",
                  ],
                },
              },
            },
            include: ["test/**/*.test.ts", "src/**/*.test.ts", "durable-objects/**/*.test.ts"],
            exclude: ["test/browser/**"],
            // A check can wait behind a burst of the same file's transactions on the embedded database.
            testTimeout: 60_000,
            hookTimeout: 90_000,
          },
        },
        {
          test: {
            name: "browser",
            include: ["test/browser/**/*.browser.test.ts"],
            environment: "node",
            testTimeout: 60_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
