// The rows of the benchmark's tables, one value per simulated latency, with the issue's aims.
import type { ChaosFigures } from "./chaos.ts";
import { type CpuSplit, cpuTotal, pct } from "./harness.ts";
import type { LoadResult } from "./load-driver.ts";
import { fmt, type Row, statusList } from "./table.ts";
import type { IngestFigures, PhaseFigures, ThroughputFigures } from "./throughput.ts";

const ok = (r: LoadResult) => r.statuses[200] ?? 0;
const others = (r: LoadResult) => statusList(Object.fromEntries(Object.entries(r.statuses).filter(([s]) => s !== "200")));
const lat = (r: LoadResult) => `${fmt(pct(r.latencies, 50))} / ${fmt(pct(r.latencies, 99))} ms`;
const perRequest = (p: PhaseFigures) => (ms: number) => fmt(ms / Math.max(1, p.sent), 2);
const split = (c: CpuSplit, per: (ms: number) => string, realServer: boolean) =>
  `${per(c.workerd)} / ${per(c.wrangler)} / ${per(c.postgres)}${realServer ? ` / ${per(c.bridge)}` : ""}`;
const rps = (p: PhaseFigures) => p.sent / p.run.seconds;
const lost = (f: IngestFigures) => f.distinct - f.distinctRows;

export function throughputRows(fs: ThroughputFigures[], o: { rate: number; concurrency: number; realServer: boolean }): Row[] {
  const col = (fn: (f: ThroughputFigures) => string) => fs.map(fn);
  const parts = `workerd / wrangler / postgres${o.realServer ? " / bridge" : ""}`;
  const zero = fs.find((f) => f.latencyMs === 0);
  const rows: Row[] = [
    { section: `paced at ${o.rate} msg/s, concurrency ${o.concurrency} (the same pace on /ping)` },
    { label: "sent (incl. retries)", values: col((f) => `${f.paced.sent} (+${f.paced.duplicatesSent})`) },
    { label: "acknowledged 200", values: col((f) => `${ok(f.paced.run)}  other: ${others(f.paced.run)}`) },
    { label: "distinct / persisted rows", values: col((f) => `${f.paced.distinct} / ${f.paced.persisted}`) },
    { label: "duplicates stored", values: col((f) => String(f.paced.persisted - f.paced.distinctRows)), aim: "0" },
    { label: "lost", values: col((f) => String(lost(f.paced))), aim: "0" },
    { label: "debounce groups", values: col((f) => String(f.paced.groups)) },
    { label: "ingest ack p50 / p99", values: col((f) => lat(f.paced.run)) },
    { label: "/ping p50 / p99", values: col((f) => lat(f.pacedPing.run)) },
    { label: "ingest p99 ÷ /ping p99", values: col((f) => `${fmt(pct(f.paced.run.latencies, 99) / pct(f.pacedPing.run.latencies, 99), 2)}×`), aim: "≤ 2×" },
    { label: "achieved rate ingest / ping", values: col((f) => `${fmt(rps(f.paced))} / ${fmt(rps(f.pacedPing))} msg/s`) },
    { label: "Postgres statements / msg, persist path", values: col((f) => fmt(f.paced.threadStatements / Math.max(1, f.paced.distinctRows), 2)), aim: "≤ 2 (thread objects: messages, groups, raw log, outbox; and the bot turn's reading a group's close carries)" },
    { label: "Postgres statements / msg, all paths", values: col((f) => fmt(f.paced.statements / Math.max(1, f.paced.distinctRows), 2)), aim: "incl. consumers (metering) and the bot's turns" },
    { label: "  by path", values: col((f) => Object.entries(f.paced.byApplication).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${fmt(n / Math.max(1, f.paced.distinctRows), 2)}`).join(", ")) },
    { label: "Postgres round trips / msg", values: col((f) => fmt(f.paced.roundTrips / Math.max(1, f.paced.distinctRows), 2)) },
    { label: "connections opened / msg", values: col((f) => `${fmt(f.paced.connections / Math.max(1, f.paced.distinctRows), 3)} (${f.paced.connections})`) },
    { label: "Postgres errors answered", values: col((f) => String(f.paced.errors)), aim: "0" },
    { label: "CPU ms / ingest request", values: col((f) => fmt(cpuTotal(f.paced.cpu) / f.paced.sent, 2)), aim: "all processes, incl. the drain behind the 200" },
    { label: `  ${parts}`, values: col((f) => split(f.paced.cpu, perRequest(f.paced), o.realServer)) },
    { label: "CPU ms / /ping request", values: col((f) => fmt(cpuTotal(f.pacedPing.cpu) / f.pacedPing.sent, 2)) },
    { label: `  ${parts}`, values: col((f) => split(f.pacedPing.cpu, perRequest(f.pacedPing), o.realServer)) },
    { label: "idle stack CPU ms / s", values: col((f) => fmt(cpuTotal(f.idleCpuPerSecond), 1)), aim: "noise floor of the CPU rows" },
    { section: `unpaced, concurrency ${o.concurrency}` },
    { label: "ingest webhook", values: col((f) => `${fmt(rps(f.flood))} req/s  p99 ${fmt(pct(f.flood.run.latencies, 99))} ms  (200: ${ok(f.flood.run)}/${f.flood.sent})`) },
    { label: "trivial route /ping", values: col((f) => `${fmt(rps(f.floodPing))} req/s  p99 ${fmt(pct(f.floodPing.run.latencies, 99))} ms`) },
    { label: "ingest / floor", values: col((f) => `${fmt((rps(f.flood) / rps(f.floodPing)) * 100)} %`), aim: o.realServer ? "≥ 70 % (real server)" : "≥ 80 % (embedded)" },
    { label: "lost / duplicates stored", values: col((f) => `${lost(f.flood)} / ${f.flood.persisted - f.flood.distinctRows}`), aim: "0 / 0" },
    { label: "CPU ms / ingest request", values: col((f) => fmt(cpuTotal(f.flood.cpu) / f.flood.sent, 2)) },
    { label: "CPU ms / /ping request", values: col((f) => fmt(cpuTotal(f.floodPing.cpu) / f.floodPing.sent, 2)) },
  ];
  if (zero && fs.length > 1) {
    rows.push({ label: "ingest req/s vs +0 ms", values: col((f) => `${fmt((rps(f.flood) / rps(zero.flood) - 1) * 100)} %`), aim: "falls by less than a third at +20 ms" });
  }
  return rows;
}

export function chaosRows(fs: ChaosFigures[], rate: number): Row[] {
  const col = (fn: (f: ChaosFigures) => string) => fs.map(fn);
  const kinds = (m: Record<string, number>) => Object.entries(m).map(([k, n]) => `${k} ${n}`).join(", ");
  return [
    { section: "inputs" },
    { label: "sent (incl. retries)", values: col((f) => `${f.sent} (+${f.duplicatesSent})`) },
    { label: "valid / poison messages", values: col((f) => `${f.valid} / ${f.poison}`) },
    { label: "poison kinds", values: col((f) => kinds(f.poisonByKind)) },
    { label: "database outage", values: col((f) => `${fmt(f.outage.seconds)} s from ${fmt(f.outage.startS)} s, ${f.outage.refused} refused`) },
    { label: "achieved rate", values: col((f) => `${fmt(f.sent / f.run.seconds)} msg/s (target ${rate})`) },
    { label: "ack p50 / p99", values: col((f) => lat(f.run)) },
    { section: "outcome (after the drain)" },
    { label: "valid acknowledged 200", values: col((f) => `${f.validAcked} of ${f.valid}  not acked: ${statusList(f.validNotAcked)}`) },
    { label: "lost (acked, not stored)", values: col((f) => `${f.lost}${f.lostSample.length ? `  e.g. ${f.lostSample.slice(0, 2).join(", ")}` : ""}`), aim: "0" },
    { label: "duplicated rows", values: col((f) => String(f.duplicated)), aim: "0" },
    { label: "poison rejected at the edge", values: col((f) => `${f.poisonAtEdge} (4xx)`) },
    { label: "poison acked 200", values: col((f) => `${f.poisonAcked}: set aside ${f.poisonSetAside}, stored ${f.poisonStored}, unaccounted ${f.poisonUnaccounted}`), aim: "unaccounted 0" },
    { label: "poison other answers", values: col((f) => statusList(f.poisonOther)) },
    ...Object.keys(fs[0]?.poisonOutcomes ?? {}).map((kind) => ({ label: `  ${kind}`, values: col((f) => kinds(f.poisonOutcomes[kind] ?? {})) })),
    { label: "set aside + rejected at edge", values: col((f) => `${f.poisonSetAside + f.poisonAtEdge} of ${f.poison} poison`), aim: "= the poison count (less any stored normalized)" },
    { label: "poison accounted for", values: col((f) => `${f.poisonSetAside + f.poisonAtEdge + f.poisonStored} of ${f.poison} (edge 4xx + set aside + stored normalized)`), aim: "= the poison count" },
    { label: "set-aside rows", values: col((f) => `${f.setAsideRows} (valid messages ${f.validSetAside}, unattributed ${f.setAsideUnattributed})`), aim: "no valid message set aside" },
    { label: "drain after the run", values: col((f) => `${fmt(f.drainSeconds)} s`) },
    { label: "connections opened / msg", values: col((f) => `${fmt(f.connections / Math.max(1, f.validAcked + f.poisonAcked), 3)} (${f.connections})`) },
    { label: "statements / msg", values: col((f) => fmt(f.statements / Math.max(1, f.validAcked + f.poisonAcked), 2)) },
    { label: "Postgres errors answered", values: col((f) => String(f.errors)), aim: "the poison's attempts only" },
    { label: "CPU ms / request", values: col((f) => fmt(cpuTotal(f.cpu) / f.sent, 2)) },
  ];
}
