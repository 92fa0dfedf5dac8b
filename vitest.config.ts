import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { freePort } from "./scripts/lib/free-port.ts";
import { generateSigningKeys } from "./scripts/lib/jwt-keys.ts";

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
  const embeddedUrl = `postgres://postgres@127.0.0.1:${process.env.PARLEY_TEST_PG_PORT}/postgres`;
  const appUrl = process.env.TEST_DATABASE_URL ?? embeddedUrl;
  const ownerUrl = process.env.TEST_OWNER_DATABASE_URL ?? appUrl;

  return {
    test: {
      globalSetup: ["./test/global-setup.ts"],
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  ENVIRONMENT: "test",
                  DATABASE_URL: appUrl,
                  // Test-only: the owner connection, for catalog checks and setting up states (suspension).
                  OWNER_DATABASE_URL: ownerUrl,
                  DB_WS_PROXY: `127.0.0.1:${process.env.PARLEY_TEST_BRIDGE_PORT}`,
                  JWT_SIGNING_KEYS: process.env.PARLEY_TEST_JWT_KEYS,
                  JWT_ISSUER: "https://parley.test",
                  JWT_AUDIENCE: "parley-api",
                  PUBLIC_URL: "https://parley.test",
                  DB_KIND: process.env.TEST_DATABASE_URL ? "server" : "embedded",
                },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts", "src/**/*.test.ts", "durable-objects/**/*.test.ts"],
            exclude: ["test/browser/**"],
            testTimeout: 30_000,
            hookTimeout: 60_000,
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
