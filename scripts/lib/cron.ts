// Cron triggers for the local stack: `wrangler dev` does not fire `[triggers] crons`, so the outbox sweep
// and retention would never run locally. The stack starts wrangler with --test-scheduled, which exposes
// GET /__scheduled?cron=..., and this fires it on the schedule wrangler.toml declares (UTC, like Cloudflare).
import { readFileSync } from "node:fs";

/** The `crons` array of the `[triggers]` table, read from the TOML text (the one shape wrangler.toml uses). */
export function parseCrons(toml: string): string[] {
  let inTriggers = false;
  for (const raw of toml.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line.startsWith("[")) {
      inTriggers = line === "[triggers]";
      continue;
    }
    const m = inTriggers && /^crons\s*=\s*\[(.*)\]$/.exec(line);
    if (m) return [...m[1]!.matchAll(/"([^"]*)"|'([^']*)'/g)].map((x) => (x[1] ?? x[2])!);
  }
  return [];
}

const FIELDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
] as const;

/** The values each of the five fields allows; throws on syntax this does not support (L, W, #). */
function parseCron(expr: string): Array<Set<number>> {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expr}": expected 5 fields`);
  return parts.map((part, i) => {
    const f = FIELDS[i]!;
    const names: readonly string[] = "names" in f ? f.names : [];
    const value = (s: string) => {
      const byName = names.indexOf(s.toUpperCase());
      const n = byName >= 0 ? byName + f.min : Number(s);
      if (!Number.isInteger(n) || n < f.min || n > f.max) throw new Error(`cron "${expr}": bad value "${s}"`);
      return n;
    };
    const set = new Set<number>();
    for (const item of part.split(",")) {
      const [range, stepText] = item.split("/");
      const step = stepText === undefined ? 1 : Number(stepText);
      if (!Number.isInteger(step) || step < 1) throw new Error(`cron "${expr}": bad step "${item}"`);
      let [lo, hi] = [f.min as number, f.max as number];
      if (range !== "*") {
        const [a, b] = range!.split("-");
        lo = value(a!);
        hi = b === undefined ? (stepText === undefined ? lo : f.max) : value(b);
      }
      for (let n = lo; n <= hi; n += step) set.add(i === 4 && n === 7 ? 0 : n);
    }
    return set;
  });
}

export function cronMatches(expr: string, at: Date): boolean {
  const [minute, hour, dom, month, dow] = parseCron(expr);
  if (!minute!.has(at.getUTCMinutes()) || !hour!.has(at.getUTCHours()) || !month!.has(at.getUTCMonth() + 1)) return false;
  // As in cron: when both day fields are restricted, either may match.
  const domAll = dom!.size === 31;
  const dowAll = dow!.size === 7;
  const domHit = dom!.has(at.getUTCDate());
  const dowHit = dow!.has(at.getUTCDay());
  if (domAll || dowAll) return domHit && dowHit;
  return domHit || dowHit;
}

/**
 * Fires `url`/__scheduled for each cron at every minute it matches, until the returned stop is called.
 * Invalid expressions are reported once and skipped, so a typo does not keep the stack from starting.
 */
export function startCronTimer(url: string, wranglerToml: string, log: (line: string) => void = console.log): () => void {
  const crons = parseCrons(readFileSync(wranglerToml, "utf8")).filter((c) => {
    try {
      parseCron(c);
      return true;
    } catch (err) {
      log(`Cron "${c}" is not fired locally: ${(err as Error).message}`);
      return false;
    }
  });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped || crons.length === 0) return;
    const now = Date.now();
    timer = setTimeout(tick, 60_000 - (now % 60_000) + 50);
    // Never the reason the process stays up: stopping the stack must not wait for the next minute.
    timer.unref();
  };
  const tick = () => {
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    for (const cron of crons) {
      if (!cronMatches(cron, at)) continue;
      fetch(`${url}/__scheduled?cron=${encodeURIComponent(cron)}`, { signal: AbortSignal.timeout(30_000) })
        .then((res) => res.body?.cancel())
        .catch((err: Error) => !stopped && log(`Scheduled run "${cron}" failed: ${err.message}`));
    }
    schedule();
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
