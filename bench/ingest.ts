// `npm run bench:ingest` — drives signed API-channel webhooks through the local runtime (wrangler dev,
// workerd, Durable Objects) and Postgres, then checks the database, and prints the figures beside the
// same load on a trivial route (`/ping`), the runtime's own floor. Not a test: it only reports.
//
//   --count 2000        messages to send (plus --dup-rate of them sent again, as provider retries)
//   --rate 100          target messages per second for the paced run
//   --concurrency 16    requests in flight at most
//   --customers 50      distinct senders (threads)
//   --dup-rate 0.05     share of messages delivered twice
//   --pg-server URL     use a fresh database on this PostgreSQL server (superuser URL) instead of the
//                       embedded one, e.g. postgres://postgres@127.0.0.1:5432/postgres; dropped afterwards
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { generateCredentialsKeys } from "../scripts/lib/credentials-keys.ts";
import { freePort } from "../scripts/lib/free-port.ts";
import { generateSigningKeys } from "../scripts/lib/jwt-keys.ts";
import { startStack } from "../scripts/lib/stack.ts";
import { driveOnThread, type LoadRequest, type LoadResult } from "./load-driver.ts";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "2000" },
    rate: { type: "string", default: "100" },
    concurrency: { type: "string", default: "16" },
    customers: { type: "string", default: "50" },
    "dup-rate": { type: "string", default: "0.05" },
    "pg-server": { type: "string" },
  },
});
const COUNT = Number(args.count);
const RATE = Number(args.rate);
const CONCURRENCY = Number(args.concurrency);
const CUSTOMERS = Number(args.customers);
const DUP_RATE = Number(args["dup-rate"]);

type Run = LoadResult;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const fmt = (n: number, d = 1) => n.toFixed(d);

// A real server runs Postgres natively, as Neon would, instead of in the embedded WASM build sharing
// this machine's cores with workerd; the figures then show the Worker's own cost more clearly.
let dropDatabase: (() => Promise<void>) | undefined;
let databaseUrl: string | undefined;
if (args["pg-server"]) {
  const serverUrl = new URL(args["pg-server"]);
  const name = `parley_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/${name}`;
  databaseUrl = dbUrl.toString();
  dropDatabase = async () => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}

const stack = await startStack({
  port: await freePort(),
  databaseUrl,
  jwtSigningKeys: await generateSigningKeys(),
  credentialsKeys: generateCredentialsKeys(),
  persistTo: mkdtempSync(path.join(os.tmpdir(), "parley-bench-")),
  quiet: true,
  extraVars: { RATE_LIMIT_SIGNUP_PER_IP: "1000" },
});
try {
  const post = async (p: string, body: unknown, token?: string) => {
    const res = await fetch(`${stack.url}${p}`, { method: "POST", headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const signup = await post("/v1/auth/signup", { email: `bench-${randomUUID().slice(0, 8)}@example.com`, password: "bench-password-1234", organization: "Bench Co" });
  const secret = `bench-${randomUUID()}`;
  const channel = await post("/v1/channels", { type: "api", name: "bench", credentials: { signing_secret: secret }, debounce_ms: 500 }, signup.access_token);
  const hook = new URL(channel.webhook_url).pathname;

  const makeJobs = (n: number, prefix: string) => {
    const bodies: string[] = [];
    for (let i = 0; i < n; i++) {
      bodies.push(JSON.stringify({ external_id: `${prefix}-${i}`, from: { id: `customer-${i % CUSTOMERS}` }, text: `message ${i}` }));
    }
    const dups = bodies.filter((_, i) => i % Math.max(1, Math.round(1 / DUP_RATE)) === 0);
    const all = [...bodies, ...dups];
    const ids = new Set(bodies.map((b) => JSON.parse(b).external_id as string));
    // Signed up front, so the client does no more per request than a provider's sender would.
    const jobs: LoadRequest[] = all.map((body) => ({
      path: hook,
      method: "POST",
      headers: { "content-type": "application/json", "x-parley-signature": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` },
      body,
    }));
    return { jobs, ids, duplicatesSent: dups.length };
  };

  // Warm-up (JIT, isolate, first connections), not measured.
  const drive = (requests: LoadRequest[], concurrency: number, rate?: number) => driveOnThread({ base: stack.url, requests, concurrency, rate });
  await drive(makeJobs(50, "warm").jobs, 4);

  const before = { ...stack.bridgeStats };
  const paced = makeJobs(COUNT, "paced");
  const pacedRun = await drive(paced.jobs, CONCURRENCY, RATE);

  // Wait until the thread objects have moved everything to Postgres (bounded).
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const stored = async (prefix: string) =>
    Number((await db.query("select count(*)::int as n from messages where channel_id = $1 and external_id like $2", [channel.id, `${prefix}-%`])).rows[0].n);
  const deadline = Date.now() + 120_000;
  while ((await stored("paced")) < paced.ids.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 1500)); // let groups flush
  const persisted = await stored("paced");
  const distinctRows = Number((await db.query("select count(distinct external_id)::int as n from messages where channel_id = $1 and external_id like 'paced-%'", [channel.id])).rows[0].n);
  const after = { ...stack.bridgeStats };
  const groups = Number((await db.query("select count(*)::int as n from message_groups where channel_id = $1", [channel.id])).rows[0].n);

  // Throughput: the same unpaced load on ingest and on the trivial route.
  const flood = makeJobs(COUNT, "flood");
  const floodRun = await drive(flood.jobs, CONCURRENCY);
  const pingJobs: LoadRequest[] = Array.from({ length: flood.jobs.length }, () => ({ path: "/ping" }));
  const pingRun = await drive(pingJobs, CONCURRENCY);
  await db.end();

  const ok = (r: Run) => r.statuses[200] ?? 0;
  const statements = after.statements - before.statements;
  const roundTrips = after.roundTrips - before.roundTrips;
  const ingestRps = flood.jobs.length / floodRun.seconds;
  const pingRps = pingJobs.length / pingRun.seconds;
  console.log(`
Parley ingest benchmark — ${COUNT} messages (+${paced.duplicatesSent} provider retries), ${CUSTOMERS} customers, concurrency ${CONCURRENCY}
(local: wrangler dev / workerd, ${databaseUrl ? "PostgreSQL server" : "embedded Postgres"} through the Neon driver path; ${os.cpus().length}-core machine)

paced run at ${RATE} msg/s
  sent (incl. retries)        ${paced.jobs.length}   acknowledged 200: ${ok(pacedRun)}   other: ${JSON.stringify(Object.fromEntries(Object.entries(pacedRun.statuses).filter(([s]) => s !== "200")))}
  distinct messages           ${paced.ids.size}
  persisted                   ${persisted}
  duplicates stored           ${persisted - distinctRows}
  lost                        ${paced.ids.size - distinctRows}
  debounce groups             ${groups}
  ack latency p50 / p99       ${fmt(pct(pacedRun.latencies, 50))} ms / ${fmt(pct(pacedRun.latencies, 99))} ms
  achieved rate               ${fmt(paced.jobs.length / pacedRun.seconds)} msg/s
  Postgres statements / msg   ${fmt(statements / Math.max(1, persisted), 2)}   (all paths: ingest, thread persistence, groups, outbox)
  Postgres round trips / msg  ${fmt(roundTrips / Math.max(1, persisted), 2)}   (hot path before the 200: 0 with a warm channel cache)

unpaced, concurrency ${CONCURRENCY}
  ingest webhook              ${fmt(ingestRps)} req/s   p50 ${fmt(pct(floodRun.latencies, 50))} ms   p99 ${fmt(pct(floodRun.latencies, 99))} ms   (200: ${ok(floodRun)}/${flood.jobs.length})
  trivial route /ping         ${fmt(pingRps)} req/s   p50 ${fmt(pct(pingRun.latencies, 50))} ms   p99 ${fmt(pct(pingRun.latencies, 99))} ms
  ingest / floor              ${fmt((ingestRps / pingRps) * 100)} %
`);
} finally {
  await stack.stop();
  await dropDatabase?.();
}
