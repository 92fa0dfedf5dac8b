// `npm run dev`: the embedded stack (or DATABASE_URL), a seeded demo workspace, and the Worker on
// 127.0.0.1:8787 (PORT overrides). State lives in .parley/ (git-ignored) and survives restarts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEMO, seedDemoTenant } from "../tenants/demo.ts";
import { startProvidersDouble } from "../test/doubles/providers-double.ts";
import { generateCredentialsKeys } from "./lib/credentials-keys.ts";
import { startDevBilling } from "./lib/dev-billing.ts";
import { generateSigningKeys } from "./lib/jwt-keys.ts";
import { root, startStack } from "./lib/stack.ts";

const port = Number(process.env.PORT ?? 8787);

// Ctrl+C (SIGINT) or SIGTERM stops everything within a few seconds whatever state the stack is in
// (starting, busy, or wedged on a statement): each part's stop is bounded, the whole stop has a hard
// deadline after which the process exits anyway, and a second signal exits at once. On any exit the
// stack kills the Worker's process group (stack.ts), so nothing outlives this process.
const STOP_DEADLINE_MS = 5000;
const cleanups: Array<() => Promise<void>> = [];
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) {
      console.log("Stopping now.");
      process.exit(130);
    }
    stopping = true;
    console.log("Stopping… (again to force)");
    setTimeout(() => {
      console.log(`Not stopped after ${STOP_DEADLINE_MS / 1000} s; exiting anyway.`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    void (async () => {
      for (const stop of cleanups.reverse()) await stop().catch(() => {});
      process.exit(0);
    })();
  });
}
const stateDir = path.join(root, ".parley");
mkdirSync(stateDir, { recursive: true });

const keysFile = path.join(stateDir, "jwt-signing-keys.json");
if (!existsSync(keysFile)) writeFileSync(keysFile, await generateSigningKeys(), { mode: 0o600 });
// Persisted like the JWT keys: a new key each run would make every stored channel credential unreadable.
const credentialsKeysFile = path.join(stateDir, "credentials-keys.json");
if (!existsSync(credentialsKeysFile)) writeFileSync(credentialsKeysFile, generateCredentialsKeys(), { mode: 0o600 });

// PARLEY_PROVIDER_DOUBLE=1: replies go to a local stand-in for WhatsApp, Telegram and Twilio (any
// credentials accepted; what it received is at <double>/_control/requests) instead of the real APIs.
const providers = process.env.PARLEY_PROVIDER_DOUBLE === "1" ? await startProvidersDouble({ acceptAnyCredentials: true }) : undefined;
if (providers) cleanups.push(providers.stop);

// Real Stripe with STRIPE_SECRET_KEY set, otherwise the local Stripe double (billing works offline).
const billing = await startDevBilling(port, stateDir);
cleanups.push(billing.stop);

const databaseUrl = process.env.DATABASE_URL;
console.log(databaseUrl ? "Using DATABASE_URL" : "Starting embedded Postgres (PGlite) in .parley/pgdata");
const stack = await startStack({
  port,
  dataDir: databaseUrl ? undefined : path.join(stateDir, "pgdata"),
  databaseUrl,
  appDatabaseUrl: process.env.APP_DATABASE_URL,
  jwtSigningKeys: readFileSync(keysFile, "utf8"),
  credentialsKeys: readFileSync(credentialsKeysFile, "utf8"),
  extraVars: {
    ...billing.vars,
    ...(providers && {
      WHATSAPP_API_BASE: `${providers.url}/whatsapp/v21.0`,
      TELEGRAM_API_BASE: `${providers.url}/telegram`,
      TWILIO_API_BASE: `${providers.url}/twilio`,
      MAILGUN_API_BASE: `${providers.url}/mailgun`,
    }),
  },
  persistTo: path.join(stateDir, "wrangler"),
  fireCrons: true,
});
cleanups.push(stack.stop);
// A signal that arrived while the stack was starting ran the cleanups registered by then; finish the job.
if (stopping) await stack.stop();

let seeded: boolean;
try {
  seeded = await seedDemoTenant(stack.url);
} catch (err) {
  if (stopping) await new Promise(() => {}); // the signal handler is stopping everything and will exit
  await stack.stop();
  await providers?.stop();
  await billing.stop();
  throw err;
}
console.log(`
Parley is running.

  Web app      ${stack.url}/app        (sign up: ${stack.url}/signup, log in: ${stack.url}/login)
  API          ${stack.url}/v1         (health: ${stack.url}/health)
  API docs     ${stack.url}/docs       (OpenAPI: ${stack.url}/openapi.json)
  Billing      ${stack.url}/app/billing  (${billing.banner})

  Demo login   ${DEMO.email} / ${DEMO.password}${seeded ? "  (just created)" : ""}${providers ? `\n  Providers    ${providers.url}/_control/requests  (local double)` : ""}

Press Ctrl+C to stop.`);

