import { describe, expect, it } from "vitest";
import { slaClocks, type ClockFacts, type ClockTargets } from "./clock";

const H = 3600_000;
const t0 = Date.parse("2026-03-02T09:00:00Z"); // a Monday
const office: ClockTargets = {
  first_response_s: 2 * 3600,
  next_response_s: 3600,
  resolution_s: 8 * 3600,
  warning_pct: 80,
  business_hours: { timezone: "UTC", weekly: (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, open: "09:00", close: "17:00" })) },
};
const facts = (f: Partial<ClockFacts> = {}): ClockFacts => ({ startedAt: t0, state: "open", firstResponseAt: null, awaitingReplySince: null, resolvedAt: null, pausedAt: null, pausedMs: 0, ...f });
const byMetric = (c: ReturnType<typeof slaClocks>) => Object.fromEntries(c.map((x) => [x.metric, x]));

describe("SLA clocks", () => {
  it("runs first response and resolution from the start, warning at the configured share", () => {
    const c = byMetric(slaClocks(office, facts(), t0 + H));
    expect(c.first_response).toMatchObject({ status: "running", dueAt: t0 + 2 * H, warnAt: t0 + 1.6 * H });
    expect(c.resolution).toMatchObject({ status: "running", dueAt: t0 + 8 * H });
    expect(c.next_response!.status).toBe("off");
  });

  it("adds the time spent waiting on the customer to the targets, in business time", () => {
    // Paused Monday 10:00 → Tuesday 10:00 is 8 business hours, though 24 wall-clock hours.
    const c = byMetric(slaClocks(office, facts({ firstResponseAt: t0 + H, pausedMs: 8 * H }), t0 + 26 * H));
    expect(c.first_response!.status).toBe("met");
    expect(c.resolution!.dueAt).toBe(Date.parse("2026-03-03T17:00:00Z"));
  });

  it("stands still while paused and while the agent spoke last", () => {
    const c = byMetric(slaClocks(office, facts({ firstResponseAt: t0 + H, state: "awaiting_customer", pausedAt: t0 + H }), t0 + 3 * H));
    expect(c.resolution).toMatchObject({ status: "paused", dueAt: null });
    expect(c.next_response!.status).toBe("off");
  });

  it("starts a next-response cycle at the customer's first message after the reply", () => {
    const since = t0 + 2 * H;
    const c = byMetric(slaClocks(office, facts({ firstResponseAt: t0 + H, awaitingReplySince: since }), since + 60_000));
    expect(c.next_response).toMatchObject({ status: "running", cycle: String(since), dueAt: since + H });
  });

  it("stops every clock once resolved", () => {
    const c = slaClocks(office, facts({ state: "resolved", resolvedAt: t0 + H, firstResponseAt: t0 + H / 2, awaitingReplySince: t0 + H / 2 }), t0 + 20 * H);
    expect(c.every((x) => x.dueAt === null)).toBe(true);
  });

  it("has no deadline on a calendar without business time ahead, instead of failing", () => {
    const closed: ClockTargets = { ...office, business_hours: { timezone: "UTC", weekly: [{ day: "mon", open: "09:00", close: "10:00" }], holidays: Array.from({ length: 200 }, (_, i) => new Date(t0 + i * 7 * 86_400_000).toISOString().slice(0, 10)) } };
    expect(byMetric(slaClocks({ ...closed, first_response_s: 300 * 3600 }, facts(), t0)).first_response!.status).toBe("off");
  });
});
