// A burst of new customers at one simulated database latency: N first messages from N senders never
// seen before (each one a new contact and conversation), unpaced, beside the same number of messages
// on 50 threads already known and the same load on `/ping`. Reports how fast they are acknowledged and
// how fast they are all stored (the thread objects' work behind the 200).
import type { LoadResult } from "./load-driver.ts";
import { type Bench, drain, drive, signed, sleep, storedCount } from "./harness.ts";

export interface FirstMessageFigures {
  latencyMs: number;
  senders: number;
  known: { run: LoadResult; storedS: number; thread: ThreadPath };
  burst: { run: LoadResult; storedS: number; stored: number; statements: number; roundTrips: number; connections: number; http: number; errors: number; lastErrors: string[]; thread: ThreadPath };
  ping: LoadResult;
}

const KNOWN = 50;

/** The thread objects' persistence path alone (application_name parley-thread): what a message costs to store. */
export interface ThreadPath {
  statements: number;
  /** WebSocket Query/Sync exchanges plus connections opened (two exchanges each) plus HTTP requests. */
  roundTrips: number;
}

type Stats = Bench["stack"]["bridge"]["stats"];
const threadPath = (before: Stats, after: Stats): ThreadPath => {
  const a = after.byApplication["parley-thread"] as { statements: number; connections: number; httpRequests?: number } | undefined;
  const b = before.byApplication["parley-thread"] as { statements: number; connections: number; httpRequests?: number } | undefined;
  // Per-path WebSocket exchanges are not counted by the bridge; connections and HTTP requests are.
  return { statements: (a?.statements ?? 0) - (b?.statements ?? 0), roundTrips: 2 * ((a?.connections ?? 0) - (b?.connections ?? 0)) + ((a?.httpRequests ?? 0) - (b?.httpRequests ?? 0)) };
};

/** Waits until `expected` distinct messages of `prefix` are stored; seconds since `start` (ms), or NaN on timeout. */
async function storedWithin(b: Bench, prefix: string, expected: number, start: number, timeoutMs: number): Promise<{ seconds: number; stored: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { distinct } = await storedCount(b, prefix);
    if (distinct >= expected) return { seconds: (performance.now() - start) / 1000, stored: distinct };
    if (Date.now() > deadline) return { seconds: Number.NaN, stored: distinct };
    await sleep(100);
  }
}

export async function firstMessageScenario(b: Bench, latencyMs: number, o: { senders: number; concurrency: number; timeoutMs: number }): Promise<FirstMessageFigures> {
  b.stack.bridge.setLatency(latencyMs);
  const tag = `l${latencyMs}`;
  const body = (prefix: string, sender: string, i: number) => signed(b, JSON.stringify({ external_id: `${prefix}-${i}`, from: { id: sender }, text: `message ${i}` }));
  // Warm-up, which also makes the 50 known threads: one message each.
  const warm = Array.from({ length: KNOWN }, (_, i) => body(`fmwarm-${tag}`, `known-${tag}-${i}`, i));
  await drive(b, warm, 4);
  await drain(b, `fmwarm-${tag}`, KNOWN, 60_000);

  const ping = await drive(b, Array.from({ length: o.senders }, () => ({ path: "/ping" })), o.concurrency);

  const knownJobs = Array.from({ length: o.senders }, (_, i) => body(`fmknown-${tag}`, `known-${tag}-${i % KNOWN}`, i));
  const knownBefore = structuredClone(b.stack.bridge.stats);
  const knownStart = performance.now();
  const knownRun = await drive(b, knownJobs, o.concurrency);
  const knownStored = await storedWithin(b, `fmknown-${tag}`, o.senders, knownStart, o.timeoutMs);
  const knownThread = threadPath(knownBefore, b.stack.bridge.stats);
  await sleep(1500); // let the groups close before the next phase

  const jobs = Array.from({ length: o.senders }, (_, i) => body(`fmnew-${tag}`, `new-${tag}-${i}`, i));
  const before = structuredClone(b.stack.bridge.stats) as typeof b.stack.bridge.stats & { httpRequests?: number };
  const start = performance.now();
  const run = await drive(b, jobs, o.concurrency);
  const stored = await storedWithin(b, `fmnew-${tag}`, o.senders, start, o.timeoutMs);
  const after = b.stack.bridge.stats as typeof b.stack.bridge.stats & { httpRequests?: number };
  return {
    latencyMs,
    senders: o.senders,
    known: { run: knownRun, storedS: knownStored.seconds, thread: knownThread },
    burst: {
      run,
      storedS: stored.seconds,
      stored: stored.stored,
      statements: after.statements - before.statements,
      roundTrips: after.roundTrips - before.roundTrips,
      connections: after.connections - before.connections,
      http: (after.httpRequests ?? 0) - (before.httpRequests ?? 0),
      errors: after.errors - before.errors,
      lastErrors: after.errors > before.errors ? [...after.lastErrors] : [],
      thread: threadPath(before, after),
    },
    ping,
  };
}
