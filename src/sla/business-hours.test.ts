import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addBusinessMs, businessHoursProblems, businessMsBetween, isOpenAt, openIntervals, WEEKDAYS, type BusinessHours } from "./business-hours";

const H = 3600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const weekdays = (open: string, close: string) => (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, open, close }));

const officeUtc: BusinessHours = { timezone: "UTC", weekly: weekdays("09:00", "17:00") };

describe("business hours", () => {
  it("refuses periods that overlap, overnight and across Saturday into Sunday included, and accepts ones that only touch", () => {
    const problems = (weekly: BusinessHours["weekly"]) => businessHoursProblems({ timezone: "Europe/Madrid", weekly });
    expect(problems([{ day: "mon", open: "09:00", close: "13:00" }, { day: "mon", open: "12:00", close: "17:00" }])).toEqual(["weekly[0] and weekly[1] overlap"]);
    expect(problems([{ day: "fri", open: "22:00", close: "03:00" }, { day: "sat", open: "02:00", close: "10:00" }])).toEqual(["weekly[0] and weekly[1] overlap"]);
    expect(problems([{ day: "sun", open: "08:00", close: "12:00" }, { day: "sat", open: "20:00", close: "09:00" }])).toEqual(["weekly[0] and weekly[1] overlap"]);
    expect(problems([{ day: "mon", open: "09:00", close: "12:00" }, { day: "mon", open: "12:00", close: "17:00" }, { day: "tue", open: "00:00", close: "24:00" }, { day: "wed", open: "00:00", close: "24:00" }])).toEqual([]);
    expect(problems([{ day: "sat", open: "22:00", close: "02:00" }, { day: "sun", open: "02:00", close: "05:00" }])).toEqual([]);
  });

  it("carries a deadline over the weekend", () => {
    // Friday 2026-03-06 16:00 + 2h → Monday 10:00
    expect(iso(addBusinessMs(officeUtc, at("2026-03-06T16:00:00Z"), 2 * H))).toBe("2026-03-09T10:00:00.000Z");
  });

  it("counts several periods a day and skips the lunch gap", () => {
    const split: BusinessHours = { timezone: "UTC", weekly: [...weekdays("09:00", "12:00"), ...weekdays("13:00", "17:00")] };
    expect(iso(addBusinessMs(split, at("2026-03-02T11:00:00Z"), 2 * H))).toBe("2026-03-02T14:00:00.000Z");
    expect(businessMsBetween(split, at("2026-03-02T08:00:00Z"), at("2026-03-02T18:00:00Z"))).toBe(7 * H);
  });

  it("lands a deadline exactly on a close at that close, not the next open", () => {
    expect(iso(addBusinessMs(officeUtc, at("2026-03-02T09:00:00Z"), 8 * H))).toBe("2026-03-02T17:00:00.000Z");
    expect(iso(addBusinessMs(officeUtc, at("2026-03-02T17:00:00Z"), 1))).toBe("2026-03-03T09:00:00.001Z");
    expect(isOpenAt(officeUtc, at("2026-03-02T17:00:00Z"))).toBe(false);
    expect(isOpenAt(officeUtc, at("2026-03-02T09:00:00Z"))).toBe(true);
  });

  it("starts a clock opened outside hours at the next open", () => {
    expect(iso(addBusinessMs(officeUtc, at("2026-03-07T12:00:00Z"), 30 * 60_000))).toBe("2026-03-09T09:30:00.000Z");
  });

  it("skips holidays, in the calendar's own timezone", () => {
    const withHoliday: BusinessHours = { ...officeUtc, timezone: "Europe/Berlin", holidays: ["2026-12-25"] };
    // Thu 24 Dec 16:30 Berlin (15:30Z) + 1h → 30 min on the 24th, then Monday 28th 09:30 Berlin (08:30Z)
    expect(iso(addBusinessMs(withHoliday, at("2026-12-24T15:30:00Z"), H))).toBe("2026-12-28T08:30:00.000Z");
  });

  it("runs overnight periods past midnight into the next day", () => {
    const night: BusinessHours = { timezone: "UTC", weekly: [{ day: "mon", open: "22:00", close: "06:00" }] };
    expect(openIntervals(night, at("2026-03-02T00:00:00Z"), at("2026-03-04T00:00:00Z")).map(([a, b]) => [iso(a), iso(b)])).toEqual([
      ["2026-03-02T22:00:00.000Z", "2026-03-03T06:00:00.000Z"],
    ]);
    expect(iso(addBusinessMs(night, at("2026-03-02T23:00:00Z"), 3 * H))).toBe("2026-03-03T02:00:00.000Z");
  });

  it("cuts the after-midnight part of an overnight period on a holiday", () => {
    const night: BusinessHours = { timezone: "UTC", weekly: [{ day: "mon", open: "22:00", close: "06:00" }], holidays: ["2026-03-03"] };
    expect(businessMsBetween(night, at("2026-03-02T00:00:00Z"), at("2026-03-04T00:00:00Z"))).toBe(2 * H);
  });

  it("merges a whole-day calendar into one run across midnight", () => {
    const always: BusinessHours = { timezone: "America/New_York", weekly: WEEKDAYS.map((day) => ({ day, open: "00:00", close: "24:00" })) };
    expect(openIntervals(always, at("2026-03-02T00:00:00Z"), at("2026-03-05T00:00:00Z"))).toHaveLength(1);
    expect(businessMsBetween(always, at("2026-03-07T00:00:00Z"), at("2026-03-10T00:00:00Z"))).toBe(72 * H);
  });

  it("keeps wall-clock periods across the spring-forward change (a 23-hour day)", () => {
    const berlin: BusinessHours = { timezone: "Europe/Berlin", weekly: WEEKDAYS.map((day) => ({ day, open: "00:00", close: "24:00" })) };
    // 29 March 2026: clocks jump from 02:00 to 03:00 in Berlin.
    expect(businessMsBetween(berlin, at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z"))).toBe(23 * H);
    const morning: BusinessHours = { timezone: "Europe/Berlin", weekly: [{ day: "sun", open: "01:00", close: "04:00" }] };
    // 01:00 CET (00:00Z) to 04:00 CEST (02:00Z): two real hours
    expect(businessMsBetween(morning, at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z"))).toBe(2 * H);
    expect(iso(addBusinessMs(morning, at("2026-03-29T00:00:00Z"), 2 * H))).toBe("2026-03-29T02:00:00.000Z");
  });

  it("keeps wall-clock periods across the fall-back change (a 25-hour day)", () => {
    const ny: BusinessHours = { timezone: "America/New_York", weekly: [{ day: "sun", open: "00:00", close: "24:00" }] };
    // 1 November 2026: clocks go back from 02:00 to 01:00 in New York.
    expect(businessMsBetween(ny, at("2026-11-01T00:00:00Z"), at("2026-11-03T00:00:00Z"))).toBe(25 * H);
    const night: BusinessHours = { timezone: "America/New_York", weekly: [{ day: "sat", open: "22:00", close: "06:00" }] };
    // Sat 22:00 EDT (02:00Z) to Sun 06:00 EST (11:00Z): nine real hours
    expect(businessMsBetween(night, at("2026-10-31T00:00:00Z"), at("2026-11-02T00:00:00Z"))).toBe(9 * H);
  });

  it("refuses calendars it cannot use", () => {
    expect(businessHoursProblems({ timezone: "Mars/Olympus", weekly: [] })).toHaveLength(2);
    expect(businessHoursProblems({ timezone: "UTC", weekly: [{ day: "mon", open: "09:00", close: "09:00" }], holidays: ["2026-02-30"] })).toHaveLength(2);
    expect(businessHoursProblems({ timezone: "UTC", weekly: [{ day: "mon", open: "24:00", close: "25:00" }] })).toHaveLength(2);
    expect(() => addBusinessMs({ timezone: "UTC", weekly: [] }, 0, 1)).toThrow(RangeError);
  });

  it("is plain arithmetic without a calendar", () => {
    expect(addBusinessMs(null, 1000, 5000)).toBe(6000);
    expect(businessMsBetween(null, 6000, 1000)).toBe(-5000);
  });
});

// Random calendars in zones with DST in both hemispheres and none; random periods including overnight
// ones; random holidays around the start.
const zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Santiago"];
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const period = fc
  .record({ day: fc.constantFrom(...WEEKDAYS), open: fc.integer({ min: 0, max: 1439 }), len: fc.integer({ min: 60, max: 1440 }) })
  .map(({ day, open, len }) => ({ day, open: hhmm(open), close: (open + len) % 1440 === 0 && open + len === 1440 ? "24:00" : hhmm((open + len) % 1440) }))
  .filter((p) => p.open !== p.close);
const start = fc.integer({ min: Date.parse("2025-01-01T00:00:00Z"), max: Date.parse("2027-12-31T00:00:00Z") });
const calendar = fc.record({
  timezone: fc.constantFrom(...zones),
  weekly: fc.array(period, { minLength: 1, maxLength: 6 }),
  holidayOffsets: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }),
});
const build = (c: { timezone: string; weekly: BusinessHours["weekly"]; holidayOffsets: number[] }, from: number): BusinessHours => ({
  timezone: c.timezone,
  weekly: c.weekly,
  holidays: c.holidayOffsets.map((d) => new Date(from + d * 86_400_000).toISOString().slice(0, 10)),
});

describe("business hours (properties)", () => {
  it("measures back exactly the business time it added", () => {
    fc.assert(
      fc.property(calendar, start, fc.integer({ min: 0, max: 100 * H }), (c, t, ms) => {
        const bh = build(c, t);
        const due = addBusinessMs(bh, t, ms);
        expect(due).toBeGreaterThanOrEqual(t);
        expect(businessMsBetween(bh, t, due)).toBe(ms);
      }),
      { numRuns: 150 },
    );
  });

  it("adds in steps the same as at once, and never earlier than asked", () => {
    fc.assert(
      fc.property(calendar, start, fc.integer({ min: 1, max: 40 * H }), fc.integer({ min: 1, max: 40 * H }), (c, t, a, b) => {
        const bh = build(c, t);
        expect(addBusinessMs(bh, addBusinessMs(bh, t, a), b)).toBe(addBusinessMs(bh, t, a + b));
        // The due instant is the earliest: one millisecond less of business time lands before it.
        expect(addBusinessMs(bh, t, a + b - 1)).toBeLessThan(addBusinessMs(bh, t, a + b));
      }),
      { numRuns: 100 },
    );
  });

  it("splits a measured span additively at any point", () => {
    fc.assert(
      fc.property(calendar, start, fc.integer({ min: 0, max: 20 * 86_400_000 }), fc.integer({ min: 0, max: 20 * 86_400_000 }), (c, t, x, y) => {
        const bh = build(c, t);
        const [m, e] = x < y ? [t + x, t + y] : [t + y, t + x];
        expect(businessMsBetween(bh, t, e)).toBe(businessMsBetween(bh, t, m) + businessMsBetween(bh, m, e));
        expect(businessMsBetween(bh, t, e)).toBeLessThanOrEqual(e - t);
      }),
      { numRuns: 100 },
    );
  });
});
