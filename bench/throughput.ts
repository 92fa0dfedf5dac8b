// The standard scenario at one simulated database latency: a paced run (ack latency, statements,
// connections, CPU per message) beside the same paced load on `/ping`, then the same unpaced load on
// both (throughput against the runtime's floor).
import type { LoadRequest, LoadResult } from "./load-driver.ts";
import { type Bench, type CpuSplit, cpuMeter, drain, drive, makeJobs, requestCount, settle, sleep } from "./harness.ts";
import { startCpuProfile } from "./profile.ts";

export interface ThroughputOptions {
  count: number;
  rate: number;
  concurrency: number;
  dupRate: number;
  /** Take a CPU profile of the Worker's isolate during the unpaced ingest run and write it here. */
  profile?: string;
}

export interface PhaseFigures {
  run: LoadResult;
  sent: number;
  cpu: CpuSplit;
}

export interface IngestFigures extends PhaseFigures {
  distinct: number;
  duplicatesSent: number;
  persisted: number;
  distinctRows: number;
  groups: number;
  statements: number;
  /** Statements on the thread objects' persistence path alone (application_name parley-thread). */
  threadStatements: number;
  /** Statements by path (application_name), to tell persistence from consumers and the bot. */
  byApplication: Record<string, number>;
  roundTrips: number;
  connections: number;
  /** ErrorResponses Postgres sent back during the phase, and the latest of them. */
  errors: number;
  lastErrors: string[];
}

export interface ThroughputFigures {
  latencyMs: number;
  /** CPU ms per second of the stack doing nothing (timers, file watchers): the noise floor of the CPU rows. */
  idleCpuPerSecond: CpuSplit;
  paced: IngestFigures;
  pacedPing: PhaseFigures;
  flood: IngestFigures;
  floodPing: PhaseFigures;
}

async function ingestPhase(b: Bench, prefix: string, o: ThroughputOptions, rate?: number): Promise<IngestFigures> {
  const { jobs, distinct, duplicatesSent } = makeJobs(b, o.count, prefix, o.dupRate);
  const [{ now: since }] = (await b.db.query("select now()")).rows;
  const before = structuredClone(b.stack.bridge.stats);
  const meter = cpuMeter(b);
  const run = await drive(b, jobs, o.concurrency, rate);
  // The work behind the 200 (thread objects persisting, groups flushing) is part of each message's cost.
  const stored = await drain(b, prefix, distinct);
  // ...and so are the bot's turns and the consumers behind it: measured until the stack is quiet.
  await settle(b);
  const cpu = meter();
  const after = structuredClone(b.stack.bridge.stats);
  const groups = Number((await b.db.query("select count(*)::int as n from message_groups where channel_id = $1 and created_at >= $2", [b.channelId, since])).rows[0].n);
  return {
    run,
    sent: jobs.length,
    cpu,
    distinct,
    duplicatesSent,
    persisted: stored.rows,
    distinctRows: stored.distinct,
    groups,
    statements: after.statements - before.statements,
    threadStatements: (after.byApplication["parley-thread"]?.statements ?? 0) - (before.byApplication["parley-thread"]?.statements ?? 0),
    byApplication: Object.fromEntries(Object.entries(after.byApplication).map(([k, v]) => [k, v.statements - (before.byApplication[k]?.statements ?? 0)])),
    roundTrips: after.roundTrips - before.roundTrips,
    connections: after.connections - before.connections,
    errors: after.errors - before.errors,
    lastErrors: after.errors > before.errors ? [...b.stack.bridge.stats.lastErrors] : [],
  };
}

async function pingPhase(b: Bench, n: number, concurrency: number, rate?: number): Promise<PhaseFigures> {
  const jobs: LoadRequest[] = Array.from({ length: n }, () => ({ path: "/ping" }));
  const meter = cpuMeter(b);
  const run = await drive(b, jobs, concurrency, rate);
  return { run, sent: n, cpu: meter() };
}

export async function throughputScenario(b: Bench, latencyMs: number, o: ThroughputOptions): Promise<ThroughputFigures> {
  b.stack.bridge.setLatency(latencyMs);
  const tag = `l${latencyMs}`;
  // Warm-up (JIT, isolate, first connections at this latency), not measured.
  const warm = makeJobs(b, 50, `warm-${tag}`, 0);
  await drive(b, warm.jobs, 4);
  await drain(b, `warm-${tag}`, warm.distinct, 30_000);
  await settle(b);

  const idleMeter = cpuMeter(b);
  await sleep(2000);
  const idle = idleMeter();
  const idleCpuPerSecond = { workerd: idle.workerd / 2, wrangler: idle.wrangler / 2, postgres: idle.postgres / 2, bridge: idle.bridge / 2 };

  // The floor first, on a quiet stack: run after ingest, /ping would also be charged for the thread
  // objects' and the outbox's trailing work. The same number of requests at the same rate and
  // concurrency as the ingest runs.
  const sent = requestCount(o.count, o.dupRate);
  const pacedPing = await pingPhase(b, sent, o.concurrency, o.rate);
  const floodPing = await pingPhase(b, sent, o.concurrency);
  const paced = await ingestPhase(b, `paced-${tag}`, o, o.rate);
  const stopProfile = o.profile ? await startCpuProfile(b.stack.inspectorPort, o.profile) : undefined;
  const flood = await ingestPhase(b, `flood-${tag}`, o);
  if (stopProfile) console.log(await stopProfile());
  return { latencyMs, idleCpuPerSecond, paced, pacedPing, flood, floodPing };
}
