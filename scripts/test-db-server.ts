// Runs the database security suite against a real PostgreSQL server (PGlite cannot refuse every
// privilege escalation, a real server can). A fresh database per run, dropped afterwards; the Worker
// connects as parley_app itself, exactly as on Neon.
//   PG_SERVER_URL  superuser connection to the server (default postgres://postgres@127.0.0.1:5432/postgres)
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { runMigrations } from "./lib/migrate.ts";
import { root } from "./lib/stack.ts";

const serverUrl = new URL(process.env.PG_SERVER_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
const dbName = `parley_ci_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
const appPassword = crypto.randomUUID();

const admin = new pg.Client({ connectionString: serverUrl.toString() });
try {
  await admin.connect();
} catch (err) {
  console.error(`Cannot reach PostgreSQL at ${serverUrl.host}: ${(err as Error).message}`);
  process.exit(1);
}
await admin.query(`create database ${dbName}`);
const ownerUrl = new URL(serverUrl);
ownerUrl.pathname = `/${dbName}`;
let status = 1;
try {
  await runMigrations(ownerUrl.toString());
  // What a deployer does once on Neon: let the app role log in. Roles are cluster-wide, hence a fresh
  // password per run.
  await admin.query(`alter role parley_app login password '${appPassword}'`);
  const appUrl = new URL(ownerUrl);
  appUrl.username = "parley_app";
  appUrl.password = appPassword;

  console.log(`Database security suite against PostgreSQL at ${serverUrl.host} (database ${dbName})`);
  const vitest = path.join(root, "node_modules/vitest/vitest.mjs");
  const run = spawnSync(process.execPath, [vitest, "run", "--project", "workers", "test/rls.security.test.ts", "test/tenant-isolation.security.test.ts", "test/routes.security.test.ts", "test/jwt-attacks.security.test.ts"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TEST_DATABASE_URL: appUrl.toString(), TEST_OWNER_DATABASE_URL: ownerUrl.toString() },
  });
  status = run.status ?? 1;
} finally {
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
process.exit(status);
