// `npm run dev`: the embedded stack (or DATABASE_URL), a seeded demo workspace, and the Worker on
// 127.0.0.1:8787 (PORT overrides). State lives in .parley/ (git-ignored) and survives restarts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEMO, seedDemoTenant } from "../tenants/demo.ts";
import { generateSigningKeys } from "./lib/jwt-keys.ts";
import { root, startStack } from "./lib/stack.ts";

const port = Number(process.env.PORT ?? 8787);
const stateDir = path.join(root, ".parley");
mkdirSync(stateDir, { recursive: true });

const keysFile = path.join(stateDir, "jwt-signing-keys.json");
if (!existsSync(keysFile)) writeFileSync(keysFile, await generateSigningKeys(), { mode: 0o600 });

const databaseUrl = process.env.DATABASE_URL;
console.log(databaseUrl ? "Using DATABASE_URL" : "Starting embedded Postgres (PGlite) in .parley/pgdata");
const stack = await startStack({
  port,
  dataDir: databaseUrl ? undefined : path.join(stateDir, "pgdata"),
  databaseUrl,
  appDatabaseUrl: process.env.APP_DATABASE_URL,
  jwtSigningKeys: readFileSync(keysFile, "utf8"),
  persistTo: path.join(stateDir, "wrangler"),
});

let seeded: boolean;
try {
  seeded = await seedDemoTenant(stack.url);
} catch (err) {
  await stack.stop();
  throw err;
}
console.log(`
Parley is running.

  Web app      ${stack.url}/app        (sign up: ${stack.url}/signup, log in: ${stack.url}/login)
  API          ${stack.url}/v1         (health: ${stack.url}/health)
  API docs     ${stack.url}/docs       (OpenAPI: ${stack.url}/openapi.json)

  Demo login   ${DEMO.email} / ${DEMO.password}${seeded ? "  (just created)" : ""}

Press Ctrl+C to stop.`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  });
}
