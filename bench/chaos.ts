// The chaos scenario: a long paced run mixing provider retries and poison inputs, with Postgres made
// unreachable for a while in the middle. Then it counts what an operator cares about: valid messages
// acknowledged but never stored (lost), messages stored twice (duplicated), and where every poison
// input went (refused at the edge, stored normalized, or set aside as a rejected delivery).
import type { LoadRequest, LoadResult } from "./load-driver.ts";
import { type Bench, type CpuSplit, cpuMeter, drive, messageBody, signed, sleep } from "./harness.ts";

export interface ChaosOptions {
  count: number;
  rate: number;
  concurrency: number;
  dupRate: number;
  poisonRate: number;
  outageMs: number;
  drainMs: number;
}

/**
 * Values that pass a JSON schema but that Postgres refuses as written: a NUL character (text and
 * jsonb reject it), a lone surrogate escape (not valid UTF-8), and timestamps far outside Postgres's
 * range. Each builds the raw body text itself, so the escapes reach the Worker exactly as written.
 */
const POISON: Record<string, (externalId: string, from: string) => string> = {
  nul: (id, from) => `{"external_id":"${id}","from":{"id":"${from}"},"text":"before\\u0000after"}`,
  "lone-surrogate": (id, from) => `{"external_id":"${id}","from":{"id":"${from}"},"text":"broken \\ud800 pair"}`,
  "timestamp-1e20": (id, from) => `{"external_id":"${id}","from":{"id":"${from}"},"text":"far future","timestamp":1e20}`,
  "timestamp--1e20": (id, from) => `{"external_id":"${id}","from":{"id":"${from}"},"text":"far past","timestamp":-1e20}`,
};
const KINDS = Object.keys(POISON);

interface Input {
  externalId: string;
  poison?: string;
}

export interface ChaosFigures {
  latencyMs: number;
  run: LoadResult;
  sent: number;
  valid: number;
  poison: number;
  poisonByKind: Record<string, number>;
  duplicatesSent: number;
  outage: { startS: number; seconds: number; refused: number };
  validAcked: number;
  validNotAcked: Record<number, number>;
  lost: number;
  lostSample: string[];
  duplicated: number;
  poisonAtEdge: number;
  poisonAcked: number;
  poisonOther: Record<number, number>;
  poisonSetAside: number;
  poisonStored: number;
  poisonUnaccounted: number;
  /** Per poison kind, how many went each way: "edge 4xx", "set aside", "stored", "unaccounted", or another status. */
  poisonOutcomes: Record<string, Record<string, number>>;
  /** Set-aside rows whose external ids are valid messages: what an outage must never cause. */
  validSetAside: number;
  setAsideRows: number;
  setAsideUnattributed: number;
  drainSeconds: number;
  connections: number;
  statements: number;
  errors: number;
  lastErrors: string[];
  cpu: CpuSplit;
}

/** Inputs in send order: poison spread evenly, and every `1 / dupRate`-th valid message sent again a few places later. */
function plan(b: Bench, tag: string, o: ChaosOptions) {
  const poisonEvery = o.poisonRate > 0 ? Math.max(1, Math.round(1 / o.poisonRate)) : 0;
  const dupEvery = o.dupRate > 0 ? Math.max(1, Math.round(1 / o.dupRate)) : 0;
  const inputs: Input[] = [];
  const requests: LoadRequest[] = [];
  const pendingDups: Array<{ due: number; request: LoadRequest; input: Input }> = [];
  let duplicatesSent = 0;
  for (let i = 0; i < o.count; i++) {
    const isPoison = poisonEvery > 0 && i % poisonEvery === poisonEvery - 1;
    let input: Input;
    let body: string;
    if (isPoison) {
      const kind = KINDS[Math.floor(i / poisonEvery) % KINDS.length]!;
      input = { externalId: `chaos-${tag}-p-${kind}-${i}`, poison: kind };
      body = POISON[kind]!(input.externalId, `customer-${i % b.customers}`);
    } else {
      input = { externalId: `chaos-${tag}-v-${i}` };
      body = messageBody(b, input.externalId, i);
    }
    const request = signed(b, body);
    inputs.push(input);
    requests.push(request);
    if (!isPoison && dupEvery > 0 && i % dupEvery === 0) pendingDups.push({ due: i + 7, request, input });
    while (pendingDups.length > 0 && pendingDups[0]!.due <= i) {
      const d = pendingDups.shift()!;
      inputs.push(d.input);
      requests.push(d.request);
      duplicatesSent += 1;
    }
  }
  for (const d of pendingDups) {
    inputs.push(d.input);
    requests.push(d.request);
    duplicatesSent += 1;
  }
  return { inputs, requests, duplicatesSent };
}

export async function chaosScenario(b: Bench, latencyMs: number, o: ChaosOptions): Promise<ChaosFigures> {
  b.stack.bridge.setLatency(latencyMs);
  const tag = `l${latencyMs}`;
  const { inputs, requests, duplicatesSent } = plan(b, tag, o);
  // Set-aside rows of this run only: ids are serial, and a row's received_at may be the delivery's own time.
  const [{ id: lastEventId }] = (await b.db.query("select coalesce(max(id), 0) as id from channel_events where channel_id = $1", [b.channelId])).rows;
  const before = structuredClone(b.stack.bridge.stats);

  // The outage is centred on the middle of the run, as planned from the pace (the run itself is on
  // another thread, so the timers here are the only clock that can cut the database mid-run).
  const plannedS = requests.length / o.rate;
  const outageStartMs = Math.max(0, (plannedS * 1000 - o.outageMs) / 2);
  const t0 = performance.now();
  const outage = { startS: 0, seconds: 0, refused: 0 };
  let refusedBefore = 0;
  let downAt = 0;
  const down = setTimeout(() => {
    downAt = performance.now();
    outage.startS = (downAt - t0) / 1000;
    refusedBefore = b.stack.bridge.stats.refused;
    b.stack.bridge.setDown(true);
  }, outageStartMs);
  const up = setTimeout(() => {
    b.stack.bridge.setDown(false);
    outage.seconds = (performance.now() - downAt) / 1000;
    outage.refused = b.stack.bridge.stats.refused - refusedBefore;
  }, outageStartMs + o.outageMs);

  const meter = cpuMeter(b);
  const run = await drive(b, requests, o.concurrency, o.rate);
  // A run shorter than the outage still sees the database come back before the drain.
  await new Promise<void>((resolve) => {
    const check = () => (outage.seconds > 0 ? resolve() : setTimeout(check, 100));
    check();
  });
  clearTimeout(down);
  clearTimeout(up);

  // Which inputs were acknowledged: a message counts as acknowledged if any of its deliveries got a 200.
  const acked = new Set<string>();
  const statusesOf = new Map<string, number[]>();
  inputs.forEach((input, i) => {
    const status = run.statusOf[i]!;
    if (status === 200) acked.add(input.externalId);
    statusesOf.set(input.externalId, [...(statusesOf.get(input.externalId) ?? []), status]);
  });
  const distinctInputs = [...new Map(inputs.map((x) => [x.externalId, x])).values()];
  const valid = distinctInputs.filter((x) => !x.poison);
  const poison = distinctInputs.filter((x) => x.poison);
  const validAcked = valid.filter((x) => acked.has(x.externalId));
  const poisonAcked = poison.filter((x) => acked.has(x.externalId));

  const storedRows = async () => {
    const r = await b.db.query("select external_id, count(*)::int as n from messages where channel_id = $1 and external_id like $2 group by external_id", [b.channelId, `chaos-${tag}-%`]);
    return new Map<string, number>(r.rows.map((row) => [row.external_id as string, Number(row.n)]));
  };
  const setAside = async () => {
    const r = await b.db.query("select external_ids from channel_events where channel_id = $1 and verdict = 'rejected' and reason like 'set aside%' and id > $2", [b.channelId, lastEventId]);
    return r.rows.map((row) => (row.external_ids ?? []) as string[]);
  };

  // Drain (bounded): until every acknowledged input is stored or set aside.
  const drainStart = performance.now();
  const drainDeadline = Date.now() + o.drainMs;
  let stored = await storedRows();
  let asideIds = new Set((await setAside()).flat());
  const settled = () => validAcked.every((x) => stored.has(x.externalId)) && poisonAcked.every((x) => stored.has(x.externalId) || asideIds.has(x.externalId));
  while (!settled() && Date.now() < drainDeadline) {
    await sleep(1000);
    stored = await storedRows();
    asideIds = new Set((await setAside()).flat());
  }
  await sleep(1500); // let groups flush
  const drainSeconds = (performance.now() - drainStart) / 1000;
  stored = await storedRows();
  const asideRows = await setAside();
  asideIds = new Set(asideRows.flat());
  const cpu = meter();
  const after = structuredClone(b.stack.bridge.stats);

  const firstNon200 = (x: Input) => statusesOf.get(x.externalId)!.find((s) => s !== 200) ?? 0;
  const lostIds = validAcked.filter((x) => !stored.has(x.externalId)).map((x) => x.externalId);
  const poisonIds = new Set(poison.map((x) => x.externalId));
  const validIds = new Set(valid.map((x) => x.externalId));
  const poisonNotAcked = poison.filter((x) => !acked.has(x.externalId));
  const atEdge = poisonNotAcked.filter((x) => firstNon200(x) >= 400 && firstNon200(x) < 500);
  const outcome = (x: Input) => {
    if (!acked.has(x.externalId)) return atEdge.includes(x) ? "edge 4xx" : `answered ${firstNon200(x) || "nothing"}`;
    if (asideIds.has(x.externalId)) return "set aside";
    return stored.has(x.externalId) ? "stored" : "unaccounted";
  };
  const poisonOutcomes: Record<string, Record<string, number>> = {};
  for (const kind of KINDS) poisonOutcomes[kind] = tally(poison.filter((x) => x.poison === kind), outcome);
  return {
    latencyMs,
    run,
    poisonOutcomes,
    sent: requests.length,
    valid: valid.length,
    poison: poison.length,
    poisonByKind: tally(poison, (x) => x.poison ?? ""),
    duplicatesSent,
    outage,
    validAcked: validAcked.length,
    validNotAcked: tally(valid.filter((x) => !acked.has(x.externalId)), firstNon200),
    lost: lostIds.length,
    lostSample: lostIds.slice(0, 5),
    duplicated: [...stored.values()].reduce((s, n) => s + n - 1, 0),
    poisonAtEdge: atEdge.length,
    poisonAcked: poisonAcked.length,
    poisonOther: tally(poisonNotAcked.filter((x) => !atEdge.includes(x)), firstNon200),
    poisonSetAside: poisonAcked.filter((x) => asideIds.has(x.externalId)).length,
    poisonStored: poisonAcked.filter((x) => stored.has(x.externalId) && !asideIds.has(x.externalId)).length,
    poisonUnaccounted: poisonAcked.filter((x) => !stored.has(x.externalId) && !asideIds.has(x.externalId)).length,
    validSetAside: [...asideIds].filter((id) => validIds.has(id)).length,
    setAsideRows: asideRows.length,
    setAsideUnattributed: asideRows.filter((ids) => !ids.some((id) => poisonIds.has(id) || validIds.has(id))).length,
    drainSeconds,
    connections: after.connections - before.connections,
    statements: after.statements - before.statements,
    errors: after.errors - before.errors,
    lastErrors: after.errors > before.errors ? [...b.stack.bridge.stats.lastErrors] : [],
    cpu,
  };
}

/** How many of `xs` fall under each key. */
function tally<T, K extends string | number>(xs: T[], key: (x: T) => K): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const x of xs) {
    const k = key(x);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
