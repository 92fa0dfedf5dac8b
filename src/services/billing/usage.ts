import { and, desc, eq, lte, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { processedEvents, usageCounters } from "../../db/schema";
import type { OutboxHandler } from "../../queues/outbox-consumer";
import type { OutboxMessage } from "../../queues/outbox-relay";
import { METER_EVENT_NAMES, METERS, type Meter } from "../../../tenants/plans";
import { currentPeriod, liveSubscription, loadSnapshot, type BillingSnapshot } from "./account";

/**
 * Which outbox events are billable units, and of which meter. Adding a meter later (an AI call, a
 * knowledge query) is one line here once its producer emits the event; the catalog says whether a
 * plan charges for it.
 */
export const METERED_EVENTS: Record<string, Meter> = {
  // Only what the workspace sends is billed: inbound is free, so strangers writing in (anonymous web
  // chat, a reply storm) never cost the tenant money or use up its allowance.
  "message.sent": "messages",
  "ai.call": "ai_calls",
  "knowledge.query": "knowledge_queries",
};

/** One billable unit on its way to Stripe. Shaped as an outbox message, so the dead-letter consumer can record it on its event. */
export interface UsageReport extends OutboxMessage {
  type: "usage.report";
  payload: { meter: Meter; period_start: string; stripe_customer_id: string; event_name: string };
}

export const countedBy = (meter: Meter) => `usage:${meter}`;
export const reportedBy = (meter: Meter) => `usage-report:${meter}`;

/**
 * The counter row an event belongs to: the current period if the event happened in it, otherwise the
 * latest earlier row (an event queued across a period change). Deterministic on redelivery, so a
 * retried event lands on the row it was first counted in.
 */
async function periodStartFor(tx: Tx, snap: BillingSnapshot, meter: Meter, at: Date): Promise<Date> {
  const period = currentPeriod(snap, at);
  if (at >= period.start) return period.start;
  const [earlier] = await tx
    .select({ start: usageCounters.periodStart })
    .from(usageCounters)
    .where(and(eq(usageCounters.tenantId, snap.tenantId), eq(usageCounters.meter, meter), lte(usageCounters.periodStart, at)))
    .orderBy(desc(usageCounters.periodStart))
    .limit(1);
  return earlier?.start ?? period.start;
}

/** Billed only inside a paid subscription's period, and only for meters the plan puts a unit price on. */
function billing(snap: BillingSnapshot, meter: Meter, periodStart: Date) {
  const sub = liveSubscription(snap);
  const customer = snap.account.stripeCustomerId;
  if (!sub || !customer || !snap.plan.unitPrices[meter] || sub.currentPeriodStart?.getTime() !== periodStart.getTime()) return undefined;
  return customer;
}

/**
 * Outbox consumer for billable events: counts the unit exactly once (processed_events, same
 * transaction as the increment) and hands it to the usage queue for reporting to Stripe. A redelivered
 * event re-sends its report unless Stripe already has it; duplicates there are dropped by identifier.
 */
export const recordUsage: OutboxHandler = async ({ ctx, event }) => {
  const meter = METERED_EVENTS[event.type];
  if (!meter) return;
  const tenantId = event.tenant_id;
  // Straight to the tenant scope, not withTenant: usage is a fact to record even for a suspended workspace.
  const report = await ctx.db.scoped({ tenantId }, async (tx): Promise<UsageReport | undefined> => {
    const snap = await loadSnapshot(tx, tenantId);
    const periodStart = await periodStartFor(tx, snap, meter, new Date(event.created_at));
    const fresh = await tx.insert(processedEvents).values({ tenantId, consumer: countedBy(meter), eventId: event.id }).onConflictDoNothing().returning({ id: processedEvents.eventId });
    if (fresh.length > 0) {
      await tx
        .insert(usageCounters)
        .values({ tenantId, meter, periodStart, quantity: 1 })
        .onConflictDoUpdate({ target: [usageCounters.tenantId, usageCounters.meter, usageCounters.periodStart], set: { quantity: sql`${usageCounters.quantity} + 1`, updatedAt: sql`now()` } });
    } else {
      const [done] = await tx.select({ id: processedEvents.eventId }).from(processedEvents).where(and(eq(processedEvents.tenantId, tenantId), eq(processedEvents.consumer, reportedBy(meter)), eq(processedEvents.eventId, event.id))).limit(1);
      if (done) return undefined;
    }
    const customer = billing(snap, meter, periodStart);
    if (!customer) return undefined;
    return {
      ...event,
      type: "usage.report",
      aggregate_type: "usage",
      aggregate_id: meter,
      payload: { meter, period_start: periodStart.toISOString(), stripe_customer_id: customer, event_name: METER_EVENT_NAMES[meter] },
    };
  });
  if (report) await ctx.env.USAGE_QUEUE.send(report, { contentType: "json" });
};

/** Registered in src/queues/handlers.ts. */
export const USAGE_HANDLERS: Record<string, OutboxHandler> = Object.fromEntries(Object.keys(METERED_EVENTS).map((type) => [type, recordUsage]));

/** Quantity and reported per meter for one period, zero-filled. */
export async function usageFor(tx: Tx, tenantId: string, periodStart: Date) {
  const rows = await tx.select().from(usageCounters).where(and(eq(usageCounters.tenantId, tenantId), eq(usageCounters.periodStart, periodStart)));
  const usage = Object.fromEntries(METERS.map((m) => [m, 0])) as Record<Meter, number>;
  const reported = { ...usage };
  for (const r of rows) {
    if (!(METERS as readonly string[]).includes(r.meter)) continue;
    usage[r.meter as Meter] = r.quantity;
    reported[r.meter as Meter] = r.reported;
  }
  return { usage, reported };
}
