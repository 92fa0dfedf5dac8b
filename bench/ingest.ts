// `npm run bench:ingest` — drives signed API-channel webhooks through the local runtime (wrangler dev,
// workerd, Durable Objects) and Postgres, then checks the database, and prints the figures beside the
// same load on a trivial route (`/ping`), the runtime's own floor. Not a test: it only reports.
//
//   --count 2000        messages to send (plus --dup-rate of them sent again, as provider retries);
//                       10000 with --chaos
//   --rate 100          target messages per second for the paced runs (ingest and /ping)
//   --concurrency 16    requests in flight at most
//   --customers 50      distinct senders (threads); more than 50 runs the new-customer burst instead:
//                       that many first messages from senders never seen before (each a new contact and
//                       conversation), unpaced, beside the same load on 50 known threads and on /ping;
//                       reports acknowledged/s, stored/s and when all were stored
//   --store-timeout-s 300  (burst) how long to wait for all first messages to be stored
//   --dup-rate 0.05     share of messages delivered twice
//   --pg-server URL     use a fresh database on this PostgreSQL server (superuser URL) instead of the
//                       embedded one, e.g. postgres://postgres@127.0.0.1:5432/postgres; dropped afterwards
//   --db-latency 0      simulated round trip to the database in ms, added by the local bridge to every
//                       Postgres exchange (half each way, one more on the WebSocket handshake), standing
//                       in for the edge→Neon distance; a list (`0,20`) runs each and prints them side by side
//   --chaos             instead of the throughput runs: one paced run mixing retries and poison inputs,
//                       with Postgres unreachable for --outage-s in the middle; reports lost, duplicated
//                       and set-aside counts
//   --poison-rate 0.01  (chaos) share of inputs that are poison: NUL, lone surrogate, timestamp ±1e20
//   --outage-s 10       (chaos) how long the bridge refuses and cuts database connections
//   --drain-s 180       (chaos) how long to wait after the run for everything acknowledged to settle
//   --profile FILE      take a CPU profile of the Worker's isolate during the unpaced ingest run, write it
//                       to FILE (.cpuprofile) and print where its time went
//
// CPU figures are utime+stime from /proc of every process of the stack: the workerd processes under
// wrangler dev (and wrangler itself), and Postgres — the real server's processes with --pg-server, or
// embedded, this process (PGlite and the bridge). The load generator runs in a process of its own.
import { randomUUID } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { generateCredentialsKeys } from "../scripts/lib/credentials-keys.ts";
import { freePort } from "../scripts/lib/free-port.ts";
import { generateSigningKeys } from "../scripts/lib/jwt-keys.ts";
import { startStack } from "../scripts/lib/stack.ts";
import { chaosScenario } from "./chaos.ts";
import { type FirstMessageFigures, firstMessageScenario } from "./first-messages.ts";
import { cpuAvailable } from "./cpu.ts";
import { type Bench, benchStateDir, onScalePlan, pct, scratchDatabase } from "./harness.ts";
import { chaosRows, throughputRows } from "./report.ts";
import { fmt, printTable, type Row, statusList } from "./table.ts";
import { throughputScenario } from "./throughput.ts";

const { values: args } = parseArgs({
  options: {
    count: { type: "string" },
    rate: { type: "string", default: "100" },
    concurrency: { type: "string", default: "16" },
    customers: { type: "string", default: "50" },
    "dup-rate": { type: "string", default: "0.05" },
    "pg-server": { type: "string" },
    "db-latency": { type: "string", default: "0" },
    chaos: { type: "boolean", default: false },
    profile: { type: "string" },
    "poison-rate": { type: "string", default: "0.01" },
    "outage-s": { type: "string", default: "10" },
    "drain-s": { type: "string", default: "180" },
    "store-timeout-s": { type: "string", default: "300" },
  },
});
const CHAOS = args.chaos === true;
const COUNT = Number(args.count ?? (CHAOS ? 10_000 : 2000));
const RATE = Number(args.rate);
const CONCURRENCY = Number(args.concurrency);
const CUSTOMERS = Number(args.customers);
const DUP_RATE = Number(args["dup-rate"]);
const LATENCIES = String(args["db-latency"]).split(",").map((s) => Number(s.trim()));
for (const [name, v] of Object.entries({ count: COUNT, rate: RATE, concurrency: CONCURRENCY, customers: CUSTOMERS, "dup-rate": DUP_RATE })) {
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
}
if (LATENCIES.some((l) => !Number.isFinite(l) || l < 0)) throw new Error("--db-latency must be a comma-separated list of ms, e.g. 0,20");

// A real server runs Postgres natively, as Neon would, instead of in the embedded WASM build sharing
// this machine's cores with workerd; the figures then show the Worker's own cost more clearly.
let dropDatabase: (() => Promise<void>) | undefined;
let databaseUrl: string | undefined;
let postmasterPid: number | undefined;
if (args["pg-server"]) {
  const scratch = await scratchDatabase(args["pg-server"]);
  databaseUrl = scratch.url;
  dropDatabase = scratch.drop;
  postmasterPid = scratch.postmasterPid;
}

const state = benchStateDir();
const stack = await startStack({
  port: await freePort(),
  databaseUrl,
  jwtSigningKeys: await generateSigningKeys(),
  credentialsKeys: generateCredentialsKeys(),
  persistTo: state.dir,
  quiet: true,
  extraVars: { RATE_LIMIT_SIGNUP_PER_IP: "1000" },
  dbLatencyMs: LATENCIES[0],
});
const db = new pg.Client({ connectionString: stack.databaseUrl });
try {
  const post = async (p: string, body: unknown, token?: string) => {
    const res = await fetch(`${stack.url}${p}`, { method: "POST", headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const signup = await post("/v1/auth/signup", { email: `bench-${randomUUID().slice(0, 8)}@example.com`, password: "bench-password-1234", organization: "Bench Co" });
  const secret = `bench-${randomUUID()}`;
  await db.connect();
  await onScalePlan(db, signup.tenant.id);
  const channel = await post("/v1/channels", { type: "api", name: "bench", credentials: { signing_secret: secret }, debounce_ms: 500 }, signup.access_token);
  const bench: Bench = { stack, db, channelId: channel.id, hook: new URL(channel.webhook_url).pathname, secret, customers: CUSTOMERS, realServer: Boolean(databaseUrl), postmasterPid };

  const where = `${databaseUrl ? "PostgreSQL server" : "embedded Postgres"} through the Neon driver path and the local bridge, ${state.where}`;
  const machine = `${os.cpus().length}-core machine${cpuAvailable ? "" : "; no /proc here, so no CPU figures"}`;
  const columns = LATENCIES.map((l) => `db round trip +${l} ms`);
  if (!CHAOS && CUSTOMERS > 50) {
    const figures: FirstMessageFigures[] = [];
    for (const latency of LATENCIES) figures.push(await firstMessageScenario(bench, latency, { senders: CUSTOMERS, concurrency: CONCURRENCY, timeoutMs: Number(args["store-timeout-s"]) * 1000 }));
    printTable(`Parley new-customer burst — ${CUSTOMERS} first messages from ${CUSTOMERS} new senders, unpaced, concurrency ${CONCURRENCY}\n(local: wrangler dev / workerd, ${where}; ${machine})`, columns, firstMessageRows(figures));
    printErrors(figures.flatMap((f) => f.burst.lastErrors));
  } else if (CHAOS) {
    const figures = [];
    for (const latency of LATENCIES) {
      figures.push(
        await chaosScenario(bench, latency, {
          count: COUNT,
          rate: RATE,
          concurrency: CONCURRENCY,
          dupRate: DUP_RATE,
          poisonRate: Number(args["poison-rate"]),
          outageMs: Number(args["outage-s"]) * 1000,
          drainMs: Number(args["drain-s"]) * 1000,
        }),
      );
    }
    printTable(`Parley ingest chaos run — ${COUNT} inputs at ${RATE}/s, ${CUSTOMERS} customers, concurrency ${CONCURRENCY}\n(local: wrangler dev / workerd, ${where}; ${machine})`, columns, chaosRows(figures, RATE));
    printErrors(figures.flatMap((f) => f.lastErrors));
  } else {
    const figures = [];
    for (const latency of LATENCIES) figures.push(await throughputScenario(bench, latency, { count: COUNT, rate: RATE, concurrency: CONCURRENCY, dupRate: DUP_RATE, profile: args.profile }));
    printTable(
      `Parley ingest benchmark — ${COUNT} messages (+${figures[0]!.paced.duplicatesSent} provider retries), ${CUSTOMERS} customers, concurrency ${CONCURRENCY}\n(local: wrangler dev / workerd, ${where}; ${machine})`,
      columns,
      throughputRows(figures, { rate: RATE, concurrency: CONCURRENCY, realServer: Boolean(databaseUrl) }),
    );
    printErrors(figures.flatMap((f) => [...f.paced.lastErrors, ...f.flood.lastErrors]));
  }
} finally {
  await db.end().catch(() => {});
  await stack.stop();
  await dropDatabase?.();
}

function firstMessageRows(fs: FirstMessageFigures[]): Row[] {
  const col = (fn: (f: FirstMessageFigures) => string) => fs.map(fn);
  const ackRate = (r: { statuses: Record<number, number>; seconds: number }) => (r.statuses[200] ?? 0) / r.seconds;
  const per = (f: FirstMessageFigures, n: number) => fmt(n / Math.max(1, f.burst.stored), 2);
  return [
    { section: "first messages (new contact + conversation each)" },
    { label: "acknowledged 200", values: col((f) => `${f.burst.run.statuses[200] ?? 0}  other: ${statusList(Object.fromEntries(Object.entries(f.burst.run.statuses).filter(([s]) => s !== "200")))}`) },
    { label: "acknowledged / s", values: col((f) => fmt(ackRate(f.burst.run))), aim: "≥ 60 % of the known-thread rate" },
    { label: "ack p50 / p99", values: col((f) => `${fmt(pct(f.burst.run.latencies, 50))} / ${fmt(pct(f.burst.run.latencies, 99))} ms`) },
    { label: "all stored within", values: col((f) => `${fmt(f.burst.storedS)} s (${f.burst.stored}/${f.senders})`), aim: "≤ 60 s for 3,000" },
    { label: "stored / s", values: col((f) => fmt(f.burst.stored / f.burst.storedS)) },
    { label: "statements / first message", values: col((f) => per(f, f.burst.statements)) },
    { label: "db round trips / first message, all paths", values: col((f) => per(f, f.burst.roundTrips + 2 * f.burst.connections + f.burst.http)), aim: "incl. consumers and the bot's turns" },
    { label: "  ws queries+syncs / conns / http", values: col((f) => `${per(f, f.burst.roundTrips)} / ${per(f, f.burst.connections)} / ${per(f, f.burst.http)}`) },
    { label: "persist path: statements / message", values: col((f) => `${per(f, f.burst.thread.statements)} (known threads ${fmt(f.known.thread.statements / f.senders, 2)})`) },
    { label: "persist path: round trips / message", values: col((f) => `${per(f, f.burst.thread.roundTrips)} (known threads ${fmt(f.known.thread.roundTrips / f.senders, 2)})`), aim: "≤ known + 1 (connections ×2 + HTTP requests; WebSocket queries not split by path)" },
    { label: "Postgres errors answered", values: col((f) => String(f.burst.errors)), aim: "0" },
    { section: "the same load on 50 known threads" },
    { label: "acknowledged / s", values: col((f) => fmt(ackRate(f.known.run))) },
    { label: "all stored within", values: col((f) => `${fmt(f.known.storedS)} s`) },
    { label: "first ÷ known ack rate", values: col((f) => `${fmt((ackRate(f.burst.run) / ackRate(f.known.run)) * 100)} %`), aim: "≥ 60 %" },
    { section: "the same load on /ping" },
    { label: "requests / s", values: col((f) => fmt(ackRate(f.ping))) },
  ];
}

function printErrors(errors: string[]) {
  if (errors.length > 0) console.log(`latest Postgres errors seen by the bridge:\n${[...new Set(errors)].map((e) => `  ${e}`).join("\n")}\n`);
}
