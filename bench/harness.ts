// What every benchmark scenario shares: the stack under test, a signed-webhook job builder, the
// database checks, and the CPU meter over the stack's processes.
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Stack } from "../scripts/lib/stack.ts";
import { readStat, selfCpu, treeCpu } from "./cpu.ts";
import { driveInChildProcess, type LoadRequest, type LoadResult } from "./load-driver.ts";

export interface Bench {
  stack: Stack;
  /** A direct connection (not through the bridge) for checking what was stored. */
  db: pg.Client;
  channelId: string;
  hook: string;
  secret: string;
  customers: number;
  /** Postgres is a real server (`--pg-server`), not the embedded one inside this process. */
  realServer: boolean;
  /** The real server's postmaster when `--pg-server` points at this machine: its backends are Postgres's CPU. */
  postmasterPid?: number;
}

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A fresh directory for the stack's state in a run (the Durable Objects' SQLite files, the queues),
 * removed when the bench exits. It goes on a RAM disk where the machine has one (/dev/shm) unless
 * PARLEY_BENCH_STATE_DIR names another parent: locally every Durable Object storage commit is an fsync
 * on workerd's one thread — about ten per answered group — which measures this machine's disk, not the
 * Worker (in production that storage is Cloudflare's). `where` says which it was, for the report.
 */
export function benchStateDir(prefix = "parley-bench-"): { dir: string; where: string } {
  const chosen = process.env.PARLEY_BENCH_STATE_DIR;
  const parent = chosen ?? (existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir());
  const dir = mkdtempSync(path.join(parent, prefix));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return { dir, where: chosen ? `state in ${chosen}` : parent === "/dev/shm" ? "state on a RAM disk" : "state in the temporary directory" };
}

export function drive(b: Bench, requests: LoadRequest[], concurrency: number, rate?: number): Promise<LoadResult> {
  return driveInChildProcess({ base: b.stack.url, requests, concurrency, rate });
}

/** A signed API-channel delivery of `body`, exactly as given (raw JSON text: poison must survive as written). */
export function signed(b: Bench, body: string): LoadRequest {
  // Signed up front, so the client does no more per request than a provider's sender would.
  return {
    path: b.hook,
    method: "POST",
    headers: { "content-type": "application/json", "x-parley-signature": `sha256=${createHmac("sha256", b.secret).update(body).digest("hex")}` },
    body,
  };
}

export const messageBody = (b: Bench, externalId: string, i: number) =>
  JSON.stringify({ external_id: externalId, from: { id: `customer-${i % b.customers}` }, text: `message ${i}` });

const isRetried = (i: number, dupRate: number) => dupRate > 0 && i % Math.max(1, Math.round(1 / dupRate)) === 0;

/** How many requests `makeJobs(b, n, _, dupRate)` sends. */
export const requestCount = (n: number, dupRate: number) => n + Array.from({ length: n }, (_, i) => i).filter((i) => isRetried(i, dupRate)).length;

/** `n` messages `${prefix}-<i>`, then every `1 / dupRate`-th sent again at the end, as provider retries. */
export function makeJobs(b: Bench, n: number, prefix: string, dupRate: number) {
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) bodies.push(messageBody(b, `${prefix}-${i}`, i));
  const dups = bodies.filter((_, i) => isRetried(i, dupRate));
  return { jobs: [...bodies, ...dups].map((body) => signed(b, body)), distinct: n, duplicatesSent: dups.length };
}

export async function storedCount(b: Bench, prefix: string): Promise<{ rows: number; distinct: number }> {
  const r = await b.db.query("select count(*)::int as rows, count(distinct external_id)::int as distinct from messages where channel_id = $1 and external_id like $2", [b.channelId, `${prefix}-%`]);
  return { rows: Number(r.rows[0].rows), distinct: Number(r.rows[0].distinct) };
}

/** Waits (bounded) until the thread objects have moved `expected` distinct messages to Postgres, then lets groups flush. */
export async function drain(b: Bench, prefix: string, expected: number, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await storedCount(b, prefix)).distinct < expected && Date.now() < deadline) await sleep(250);
  await sleep(1500);
  return storedCount(b, prefix);
}

export interface CpuSplit {
  /** workerd processes under `wrangler dev`. */
  workerd: number;
  /** wrangler's own node process and any other helper it runs. */
  wrangler: number;
  /**
   * The real server's processes (postmaster, backends, writers; NaN when it is not on this machine) or,
   * embedded, this process's PGlite and bridge.
   */
  postgres: number;
  /** Only with a real server: this process (the bridge, the checks), which embedded is inside `postgres`. */
  bridge: number;
}

export const cpuTotal = (c: CpuSplit) => c.workerd + c.wrangler + c.postgres + c.bridge;

/**
 * Starts a CPU meter over the stack's processes; calling the result gives the ms each used since.
 * The load generator runs in its own process, so nothing of it is in here.
 */
export function cpuMeter(b: Pick<Bench, "stack" | "realServer" | "postmasterPid">) {
  const read = () => {
    const tree = treeCpu(b.stack.wranglerPid);
    const all = Object.values(tree).reduce((s, v) => s + v, 0);
    const server = b.postmasterPid ? Object.values(treeCpu(b.postmasterPid)).reduce((s, v) => s + v, 0) : 0;
    return { workerd: tree.workerd ?? 0, wrangler: all - (tree.workerd ?? 0), server, self: selfCpu() };
  };
  const start = read();
  return (): CpuSplit => {
    const end = read();
    const self = end.self - start.self;
    return {
      workerd: end.workerd - start.workerd,
      wrangler: end.wrangler - start.wrangler,
      postgres: !b.realServer ? self : b.postmasterPid ? end.server - start.server : Number.NaN,
      bridge: b.realServer ? self : 0,
    };
  };
}

/**
 * Waits until the stack is quiet: a second in which its processes used less than `quietMsPerS` of CPU
 * (the trailing work of a phase — bot turns, consumers, alarms — has ended), at most `timeoutMs`. A
 * phase measured before that would be charged for the last one's work, and a floor measured then
 * would not be the floor. Answers the seconds it waited.
 */
export async function settle(b: Pick<Bench, "stack" | "realServer" | "postmasterPid">, quietMsPerS = 150, timeoutMs = 60_000): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const meter = cpuMeter(b);
    await sleep(1000);
    if (cpuTotal(meter()) < quietMsPerS) break;
  }
  return (Date.now() - start) / 1000;
}

/**
 * A fresh database on a real PostgreSQL server (`--pg-server`) for one bench run; `drop` removes it,
 * forcibly, and closes the admin connection that made it. `postmasterPid` when the server runs on this
 * machine: its CPU can then be read from /proc (a backend's parent is the postmaster).
 */
export async function scratchDatabase(server: string): Promise<{ url: string; admin: pg.Client; postmasterPid?: number; drop: () => Promise<void> }> {
  const serverUrl = new URL(server);
  const name = `parley_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/${name}`;
  const backend = Number((await admin.query("select pg_backend_pid() as pid")).rows[0].pid);
  const parent = readStat(`/proc/${backend}/stat`)?.ppid;
  const postmasterPid = parent && /postgres|postmaster/.test(readStat(`/proc/${parent}/stat`)?.comm ?? "") ? parent : undefined;
  return {
    url: dbUrl.toString(),
    admin,
    postmasterPid,
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * Puts a bench's workspace on the Scale plan, as a live subscription (what the quota reads the plan
 * from): the trial's 1,000 messages would run out within a long run, and every later bot turn would
 * take the quota-refused path (replies withheld, a person asked to take over). The plan's allowance must
 * not be what a throughput run measures. Call it before anything asks the workspace's quota object,
 * which holds the plan it first read for minutes.
 */
export async function onScalePlan(db: pg.Client, tenantId: string): Promise<void> {
  await db.query(
    `insert into subscriptions (id, tenant_id, stripe_subscription_id, plan, status, current_period_start, current_period_end)
     values (gen_random_uuid(), $1, 'sub_bench_' || replace(gen_random_uuid()::text, '-', ''), 'scale', 'active', now() - interval '1 day', now() + interval '29 days')`,
    [tenantId],
  );
}
