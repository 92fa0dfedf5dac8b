import { addBusinessMs, businessMsBetween, type BusinessHours } from "./business-hours";

/**
 * A conversation's three SLA clocks, computed from facts alone (pure; the same function serves the
 * API's `sla` field, the thread object's timers and the reports).
 *
 * - first_response: from the conversation's start until the first agent reply.
 * - next_response: from the first customer message after an agent's reply until the next agent reply
 *   (one cycle per customer turn, named by the time that turn began).
 * - resolution: from the start until the conversation is resolved (a reopen continues the same clock).
 *
 * Waiting on the customer stops the clocks: while the conversation is `awaiting_customer` or snoozed,
 * nothing runs, and the business time spent so (`pausedMs`) is added to the first-response and
 * resolution targets afterwards. A next-response clock does not run while the agent spoke last.
 * Outside business hours no clock runs (business-hours arithmetic).
 */

export type Metric = "first_response" | "next_response" | "resolution";
export const METRICS: readonly Metric[] = ["first_response", "next_response", "resolution"];

export interface ClockTargets {
  first_response_s: number;
  next_response_s: number | null;
  resolution_s: number | null;
  warning_pct: number;
  business_hours: BusinessHours | null;
}

export interface ClockFacts {
  startedAt: number;
  state: string;
  firstResponseAt: number | null;
  /** The first customer message after the latest agent reply, when the customer spoke last. */
  awaitingReplySince: number | null;
  resolvedAt: number | null;
  /** When the current pause began (null while the clocks run). */
  pausedAt: number | null;
  /** Business milliseconds paused before the current pause. */
  pausedMs: number;
}

export interface MetricClock {
  metric: Metric;
  /** Which run of the clock this is (see sla_events.cycle). */
  cycle: string;
  status: "running" | "paused" | "met" | "off";
  startedAt: number | null;
  warnAt: number | null;
  dueAt: number | null;
}

/** Whether the facts say the conversation waits on the customer (clocks stand still). */
export function waitsOnCustomer(state: string, snoozedUntil: number | null, now: number): boolean {
  return state === "awaiting_customer" || (snoozedUntil !== null && snoozedUntil > now);
}

/**
 * A calendar with no business time for years (every open day a holiday) has no deadline: the clock is
 * off rather than an error, so one odd policy cannot break reads of the conversations on it.
 */
function addOrNull(bh: BusinessHours | null, start: number, ms: number): number | null {
  try {
    return addBusinessMs(bh, start, ms);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

export function slaClocks(targets: ClockTargets, facts: ClockFacts, now: number): MetricClock[] {
  const bh = targets.business_hours;
  const paused = facts.pausedAt !== null;
  const pausedMs = facts.pausedMs + (paused ? Math.max(0, businessMsBetween(bh, facts.pausedAt!, now)) : 0);
  const resolved = facts.state === "resolved";
  const fromStart = (metric: Metric, targetS: number | null, done: boolean): MetricClock => {
    if (targetS === null) return { metric, cycle: "0", status: "off", startedAt: null, warnAt: null, dueAt: null };
    if (done) return { metric, cycle: "0", status: "met", startedAt: facts.startedAt, warnAt: null, dueAt: null };
    if (paused) return { metric, cycle: "0", status: "paused", startedAt: facts.startedAt, warnAt: null, dueAt: null };
    const due = addOrNull(bh, facts.startedAt, targetS * 1000 + pausedMs);
    const warn = addOrNull(bh, facts.startedAt, Math.floor((targetS * 1000 * targets.warning_pct) / 100) + pausedMs);
    if (due === null || warn === null) return { metric, cycle: "0", status: "off", startedAt: facts.startedAt, warnAt: null, dueAt: null };
    return { metric, cycle: "0", status: "running", startedAt: facts.startedAt, warnAt: warn, dueAt: due };
  };
  const next = (): MetricClock => {
    const since = facts.awaitingReplySince;
    if (targets.next_response_s === null || facts.firstResponseAt === null || since === null || resolved) {
      return { metric: "next_response", cycle: since !== null ? String(since) : "-", status: "off", startedAt: since, warnAt: null, dueAt: null };
    }
    const cycle = String(since);
    if (paused) return { metric: "next_response", cycle, status: "paused", startedAt: since, warnAt: null, dueAt: null };
    const warnAt = addOrNull(bh, since, Math.floor((targets.next_response_s * 1000 * targets.warning_pct) / 100));
    const dueAt = addOrNull(bh, since, targets.next_response_s * 1000);
    if (warnAt === null || dueAt === null) return { metric: "next_response", cycle, status: "off", startedAt: since, warnAt: null, dueAt: null };
    return { metric: "next_response", cycle, status: "running", startedAt: since, warnAt, dueAt };
  };
  // Resolving stops every clock: a conversation closed without a reply owes none any more.
  return [fromStart("first_response", targets.first_response_s, facts.firstResponseAt !== null || resolved), next(), fromStart("resolution", targets.resolution_s, resolved)];
}

/** The business milliseconds left until `dueAt` (negative once overdue), for badges and ordering. */
export function businessMsLeft(targets: ClockTargets, dueAt: number, now: number): number {
  return businessMsBetween(targets.business_hours, now, dueAt);
}
