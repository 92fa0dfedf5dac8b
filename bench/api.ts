// `npm run bench:api` — the read path's fixed cost: p50/p99 of authenticated reads (the caller's
// profile, a conversation list page at 10k conversations, a thread's messages, the inbox page with a
// session cookie) beside `/ping` (the runtime's floor) in the same run, and how many database round
// trips each request costs, at one or more simulated distances to the database. Not a test: it only
// reports.
//
//   --db-latency 0,20     simulated round trip to the database in ms, added by the local bridge (half each
//                         way; a WebSocket upgrade waits one whole round trip); each value gets a column
//   --requests 200        requests per route and latency, one at a time (latency, not throughput)
//   --conversations 10000 conversations in the workspace the list reads
//   --pg-server URL       a fresh database on this PostgreSQL server instead of the embedded one; dropped afterwards
//
// Round trips are counted at the bridge: on the WebSocket path each Query or Sync the client sends is
// one, and opening a connection costs two more (the upgrade, then startup and authentication); on the
// HTTP path each request is one (a batch of statements in a transaction included).
import { randomUUID } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { generateCredentialsKeys } from "../scripts/lib/credentials-keys.ts";
import { freePort } from "../scripts/lib/free-port.ts";
import { generateSigningKeys } from "../scripts/lib/jwt-keys.ts";
import { startStack } from "../scripts/lib/stack.ts";
import { type Bench, benchStateDir, drain, drive, pct, scratchDatabase, signed } from "./harness.ts";
import type { LoadRequest } from "./load-driver.ts";
import { fmt, printTable, type Row, statusList } from "./table.ts";

const { values: args } = parseArgs({
  options: {
    "db-latency": { type: "string", default: "0,20" },
    requests: { type: "string", default: "200" },
    conversations: { type: "string", default: "10000" },
    "pg-server": { type: "string" },
  },
});
const LATENCIES = String(args["db-latency"]).split(",").map((s) => Number(s.trim()));
const REQUESTS = Number(args.requests);
const CONVERSATIONS = Number(args.conversations);
if (LATENCIES.some((l) => !Number.isFinite(l) || l < 0)) throw new Error("--db-latency must be a comma-separated list of ms, e.g. 0,20");
if (!Number.isInteger(REQUESTS) || REQUESTS < 10) throw new Error("--requests must be an integer ≥ 10");
if (!Number.isInteger(CONVERSATIONS) || CONVERSATIONS < 1) throw new Error("--conversations must be a positive integer");

let dropDatabase: (() => Promise<void>) | undefined;
let databaseUrl: string | undefined;
if (args["pg-server"]) {
  const scratch = await scratchDatabase(args["pg-server"]);
  databaseUrl = scratch.url;
  dropDatabase = scratch.drop;
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
  dbLatencyMs: 0,
});
const db = new pg.Client({ connectionString: stack.databaseUrl });

interface Route {
  name: string;
  request: LoadRequest;
  aim?: boolean;
}

interface Figures {
  p50: number;
  p99: number;
  statuses: Record<number, number>;
  roundTrips: number;
  statements: number;
  connections: number;
  http: number;
}

try {
  const post = async (p: string, body: unknown, token?: string) => {
    const res = await fetch(`${stack.url}${p}`, { method: "POST", headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const email = `bench-${randomUUID().slice(0, 8)}@example.com`;
  const password = "bench-password-1234";
  const signup = await post("/v1/auth/signup", { email, password, organization: "Bench Co" });
  const token: string = signup.access_token;
  const secret = `bench-${randomUUID()}`;
  const channel = await post("/v1/channels", { type: "api", name: "bench", credentials: { signing_secret: secret }, debounce_ms: 500 }, token);
  await db.connect();
  const bench: Bench = { stack, db, channelId: channel.id, hook: new URL(channel.webhook_url).pathname, secret, customers: 1, realServer: Boolean(databaseUrl) };

  // One real thread through the webhook (the messages route reads it), then the bulk of the workspace
  // straight into Postgres: the list's cost is the query at that size, not how the rows got there.
  const thread = Array.from({ length: 30 }, (_, i) => signed(bench, JSON.stringify({ external_id: `thread-${i}`, from: { id: "bench-thread" }, text: `message ${i}` })));
  await drive(bench, thread, 1);
  await drain(bench, "thread", thread.length, 60_000);
  const [{ id: conversationId, tenant_id: tenantId }] = (await db.query("select id, tenant_id from conversations where channel_id = $1", [channel.id])).rows;
  await db.query(
    `with c as (
       insert into contacts (id, tenant_id, name)
       select gen_random_uuid(), $1::uuid, 'Customer ' || g from generate_series(1, $3::int) g
       returning id
     )
     insert into conversations (id, tenant_id, channel_id, contact_id, thread_key, state, last_message_at, message_count)
     select gen_random_uuid(), $1::uuid, $2::uuid, c.id, 'bench:' || c.id, 'open', now() - random() * interval '30 days', 1 from c`,
    [tenantId, channel.id, CONVERSATIONS - 1],
  );
  await db.query("analyze conversations; analyze contacts");

  const cookie = await webSession(stack.url, email, password);
  const auth = { authorization: `Bearer ${token}` };
  const routes: Route[] = [
    { name: "/ping (floor)", request: { path: "/ping" } },
    { name: "GET /v1/me", request: { path: "/v1/me", headers: auth }, aim: true },
    { name: `GET /v1/conversations?limit=50 (${CONVERSATIONS})`, request: { path: "/v1/conversations?limit=50", headers: auth }, aim: true },
    { name: "GET /v1/conversations/{id}/messages", request: { path: `/v1/conversations/${conversationId}/messages`, headers: auth }, aim: true },
    { name: "GET /app/inbox (session cookie)", request: { path: "/app/inbox", headers: { cookie } } },
  ];

  const results: Figures[][] = [];
  for (const latency of LATENCIES) {
    stack.bridge.setLatency(latency);
    const column: Figures[] = [];
    for (const route of routes) {
      await drive(bench, Array.from({ length: 20 }, () => route.request), 1); // warm-up: JIT, isolate, caches
      const before = structuredClone(stack.bridge.stats) as typeof stack.bridge.stats & { httpRequests?: number };
      const run = await drive(bench, Array.from({ length: REQUESTS }, () => route.request), 1);
      const after = stack.bridge.stats as typeof stack.bridge.stats & { httpRequests?: number };
      column.push({
        p50: pct(run.latencies, 50),
        p99: pct(run.latencies, 99),
        statuses: run.statuses,
        roundTrips: after.roundTrips - before.roundTrips,
        statements: after.statements - before.statements,
        connections: after.connections - before.connections,
        http: (after.httpRequests ?? 0) - (before.httpRequests ?? 0),
      });
    }
    results.push(column);
  }

  const per = (n: number) => fmt(n / REQUESTS, 2);
  const trips = (f: Figures) => f.roundTrips + 2 * f.connections + f.http;
  const rows: Row[] = [];
  routes.forEach((route, r) => {
    rows.push({ section: route.name });
    rows.push({
      label: "p50 / p99",
      values: results.map((col) => `${fmt(col[r]!.p50)} / ${fmt(col[r]!.p99)} ms`),
      aim: route.aim ? "p50 ≤ 3× /ping at +0 ms, ≤ /ping + 2 round trips at +20 ms" : undefined,
    });
    if (r > 0) {
      rows.push({ label: "p50 vs /ping", values: results.map((col, i) => `${fmt(col[r]!.p50 / col[0]!.p50, 2)}×  (+${fmt(col[r]!.p50 - col[0]!.p50)} ms = ${LATENCIES[i] ? fmt((col[r]!.p50 - col[0]!.p50) / LATENCIES[i]!, 1) : "-"} trips)`) });
      rows.push({ label: "db round trips / request", values: results.map((col) => per(trips(col[r]!))), aim: route.aim ? "1" : undefined });
      rows.push({
        label: "  ws queries+syncs / conns / http",
        values: results.map((col) => `${per(col[r]!.roundTrips)} / ${per(col[r]!.connections)} / ${per(col[r]!.http)}`),
      });
      rows.push({ label: "statements / request", values: results.map((col) => per(col[r]!.statements)) });
    }
    rows.push({ label: "answers", values: results.map((col) => statusList(col[r]!.statuses)) });
  });
  printTable(
    `Parley API read benchmark — ${REQUESTS} sequential requests per route, workspace of ${CONVERSATIONS} conversations\n(local: wrangler dev / workerd, ${databaseUrl ? "PostgreSQL server" : "embedded Postgres"} behind the local Neon stand-in, ${state.where}; ${os.cpus().length}-core machine)`,
    LATENCIES.map((l) => `db round trip +${l} ms`),
    rows,
  );
} finally {
  await db.end().catch(() => {});
  await stack.stop();
  await dropDatabase?.();
}

/** Signs in through the web form (CSRF cookie and token first), as a browser would; returns the Cookie header. */
async function webSession(base: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${base}/login`);
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  keep(form);
  const html = await form.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error("no CSRF token on the login page");
  const field = /name="(_?csrf)"/.exec(html)![1]!;
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(), origin: base },
    body: new URLSearchParams({ [field]: csrf, email, password }).toString(),
  });
  keep(res);
  if (res.status !== 303 || ![...jar.keys()].some((k) => k.endsWith("parley_session"))) throw new Error(`web login failed: ${res.status} ${await res.text()}`);
  return cookieHeader();
}
