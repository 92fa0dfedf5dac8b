import { TZDate } from "@date-fns/tz";

/**
 * Business-hours arithmetic for SLA clocks: pure functions over epoch milliseconds.
 *
 * A calendar is a timezone, weekly periods (`{day, open, close}` in local wall time) and holiday dates.
 * A period whose close is not after its open (`22:00`–`06:00`) runs past midnight into the next day;
 * `close: "24:00"` ends at the next local midnight. Holidays are local calendar dates on which no
 * business time counts — including the after-midnight part of an overnight period that began the day
 * before. Wall times are turned into instants by @date-fns/tz, so DST days are 23 or 25 hours long
 * and a period is as long as the clock on the wall says; a wall time skipped by a spring-forward
 * change resolves to the instant just after the gap.
 *
 * Conventions: `addBusinessMs(c, t, d)` is the earliest instant at which `d` of business time has
 * elapsed since `t` — a deadline that lands exactly on a period's close is that close, not the next
 * open — so `businessMsBetween(c, t, addBusinessMs(c, t, d)) === d` for every calendar and start.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WeeklyPeriod {
  day: Weekday;
  /** "HH:MM", 00:00–23:59 */
  open: string;
  /** "HH:MM", 00:00–24:00; not after `open` means it closes the next day */
  close: string;
}

export interface BusinessHours {
  timezone: string;
  weekly: WeeklyPeriod[];
  /** Local dates "YYYY-MM-DD" with no business time. */
  holidays?: string[];
}

/** A half-open interval [start, end) of epoch milliseconds. */
export type Interval = readonly [number, number];

const DAY_MS = 86_400_000;
/** How far the arithmetic looks for business time before declaring the calendar empty. */
const MAX_SEARCH_DAYS = 3 * 366;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Problems with a calendar before it is stored (empty when it is usable). */
export function businessHoursProblems(bh: BusinessHours): string[] {
  const out: string[] = [];
  if (!isTimeZone(bh.timezone)) out.push(`unknown timezone ${bh.timezone}`);
  if (bh.weekly.length === 0) out.push("weekly needs at least one period");
  bh.weekly.forEach((p, i) => {
    if (!(WEEKDAYS as readonly string[]).includes(p.day)) out.push(`weekly[${i}].day must be one of ${WEEKDAYS.join(", ")}`);
    if (!HHMM.test(p.open) || p.open === "24:00") out.push(`weekly[${i}].open must be HH:MM (00:00–23:59)`);
    if (!HHMM.test(p.close)) out.push(`weekly[${i}].close must be HH:MM (00:00–24:00)`);
    if (p.open === p.close) out.push(`weekly[${i}] opens and closes at the same time; use 00:00–24:00 for a whole day`);
  });
  for (const h of bh.holidays ?? []) if (!isCalendarDate(h)) out.push(`holiday ${h} is not a YYYY-MM-DD date`);
  if (out.length === 0) out.push(...overlaps(bh.weekly));
  return out;
}

const WEEK_MIN = 7 * 1440;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Periods that cover the same minute of the week (overnight ones and Sunday into Monday included):
 * the clocks would count that time once, but the policy says something its author did not mean.
 */
function overlaps(weekly: BusinessHours["weekly"]): string[] {
  const spans: Array<{ start: number; end: number; i: number }> = [];
  weekly.forEach((p, i) => {
    const start = (WEEKDAYS as readonly string[]).indexOf(p.day) * 1440 + minutes(p.open);
    const close = minutes(p.close);
    const end = start - minutes(p.open) + (close <= minutes(p.open) ? 1440 + close : close);
    if (end <= WEEK_MIN) spans.push({ start, end, i });
    else spans.push({ start, end: WEEK_MIN, i }, { start: 0, end: end - WEEK_MIN, i });
  });
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const out = new Set<string>();
  for (let k = 1; k < spans.length; k++) {
    const prev = spans.slice(0, k).reduce((a, b) => (b.end > a.end ? b : a));
    if (spans[k]!.start < prev.end && prev.i !== spans[k]!.i) {
      const [a, b] = [prev.i, spans[k]!.i].sort((x, y) => x - y);
      out.add(`weekly[${a}] and weekly[${b}] overlap`);
    }
  }
  return [...out];
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** A local calendar date, counted in whole days (days since 1970-01-01 on the calendar, not an instant). */
type DayNumber = number;

const dayOf = (y: number, m: number, d: number): DayNumber => Date.UTC(y, m, d) / DAY_MS;
function ymd(day: DayNumber): [number, number, number] {
  const d = new Date(day * DAY_MS);
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
}
const isoDate = (day: DayNumber) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The instant of a local wall time on a local date (minutes may be 1440: the next midnight). */
function wallInstant(tz: string, day: DayNumber, minutes: number): number {
  const [y, m, d] = ymd(day + Math.floor(minutes / 1440));
  const rest = minutes % 1440;
  return new TZDate(y, m, d, Math.floor(rest / 60), rest % 60, 0, 0, tz).getTime();
}

function localDay(tz: string, at: number): DayNumber {
  const z = new TZDate(at, tz);
  return dayOf(z.getFullYear(), z.getMonth(), z.getDate());
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The business time that falls on one local date: periods opening that day (up to midnight) and the
 * after-midnight part of overnight periods that opened the day before. Sorted and merged.
 */
function intervalsOnDay(bh: BusinessHours, day: DayNumber, holidays: Set<string>): Interval[] {
  if (holidays.has(isoDate(day))) return [];
  const weekday = WEEKDAYS[new Date(day * DAY_MS).getUTCDay()]!;
  const previous = WEEKDAYS[new Date((day - 1) * DAY_MS).getUTCDay()]!;
  const spans: Array<[number, number]> = []; // minutes within this local day
  for (const p of bh.weekly) {
    const open = minutesOf(p.open);
    const close = minutesOf(p.close);
    const overnight = close <= open;
    if (p.day === weekday) spans.push([open, overnight ? 1440 : close]);
    if (p.day === previous && overnight && close > 0) spans.push([0, close]);
  }
  const out: Array<[number, number]> = [];
  for (const [a, b] of spans) {
    const start = wallInstant(bh.timezone, day, a);
    const end = wallInstant(bh.timezone, day, b);
    if (end > start) out.push([start, end]);
  }
  return merge(out);
}

function merge(list: Array<[number, number]>): Interval[] {
  list.sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of list) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * Business intervals overlapping [from, to), clipped to it, in order. Adjacent intervals of
 * consecutive days (an overnight period, or 00:00–24:00 days) are merged into one.
 */
export function openIntervals(bh: BusinessHours | null, from: number, to: number): Interval[] {
  if (to <= from) return [];
  if (!bh) return [[from, to]];
  const holidays = new Set(bh.holidays ?? []);
  const out: Array<[number, number]> = [];
  for (let day = localDay(bh.timezone, from) - 1, last = localDay(bh.timezone, to) + 1; day <= last; day++) {
    for (const [a, b] of intervalsOnDay(bh, day, holidays)) {
      const s = Math.max(a, from);
      const e = Math.min(b, to);
      if (e > s) out.push([s, e]);
    }
  }
  return merge(out);
}

/** Business milliseconds in [a, b); negative when b is before a. */
export function businessMsBetween(bh: BusinessHours | null, a: number, b: number): number {
  if (b < a) return -businessMsBetween(bh, b, a);
  let total = 0;
  for (const [s, e] of openIntervals(bh, a, b)) total += e - s;
  return total;
}

/**
 * The earliest instant at which `ms` of business time has passed since `start` (see the module's
 * conventions). Throws a RangeError when the calendar has no business time for years ahead.
 *
 * @example
 *   // 2 business hours from Friday 16:00 with Mon–Fri 09:00–17:00 → Monday 10:00
 *   addBusinessMs(hours, Date.parse("2026-03-06T16:00:00Z"), 2 * 3600_000);
 */
export function addBusinessMs(bh: BusinessHours | null, start: number, ms: number): number {
  if (ms <= 0 || !bh) return start + Math.max(0, ms);
  let left = ms;
  const holidays = new Set(bh.holidays ?? []);
  const first = localDay(bh.timezone, start) - 1;
  for (let day = first; day <= first + MAX_SEARCH_DAYS; day++) {
    for (const [a, b] of intervalsOnDay(bh, day, holidays)) {
      const s = Math.max(a, start);
      if (b <= s) continue;
      if (b - s >= left) return s + left;
      left -= b - s;
    }
  }
  throw new RangeError("the business-hours calendar has no business time ahead");
}

/** Whether the clock runs at this instant. */
export function isOpenAt(bh: BusinessHours | null, at: number): boolean {
  return openIntervals(bh, at, at + 1).length > 0;
}
