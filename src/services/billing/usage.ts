import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { usageCounters } from "../../db/schema";
import { sharedRead } from "../../queues/batch-shared";
import type { HandlerContext, OutboxHandler } from "../../queues/outbox-consumer";
import type { OutboxMessage } from "../../queues/outbox-relay";
import { METER_EVENT_NAMES, METERS, type Meter } from "../../../tenants/plans";
import { currentPeriod, liveSubscription, readSnapshot, type BillingSnapshot } from "./account";

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

/** Billed only inside a paid subscription's period, and only for meters the plan puts a unit price on. */
function billing(snap: BillingSnapshot, meter: Meter, periodStart: Date) {
  const sub = liveSubscription(snap);
  const customer = snap.account.stripeCustomerId;
  if (!sub || !customer || !snap.plan.unitPrices[meter] || sub.currentPeriodStart?.getTime() !== periodStart.getTime()) return undefined;
  return customer;
}

/**
 * Counts one event's unit exactly once, in one statement: processed_events claims it and the counter
 * rises in the same statement, or not at all. The counter row is the period the event happened in:
 * the current one, or for an event queued across a period change the latest earlier row (decided in
 * SQL, the same on redelivery, so a retried event lands on the row it was first counted in). Answers
 * that period, whether this delivery counted it, and whether Stripe already has it.
 */
function countOnceStatement(tenantId: string, meter: Meter, eventId: string, at: Date, periodStart: Date): SQL {
  const start = periodStart.toISOString();
  const happened = at.toISOString();
  return sql`with p as (
      select case when ${happened}::timestamptz >= ${start}::timestamptz then ${start}::timestamptz
        else coalesce((select period_start from usage_counters where tenant_id = ${tenantId}::uuid and meter = ${meter} and period_start <= ${happened}::timestamptz order by period_start desc limit 1), ${start}::timestamptz)
      end as start
    ), fresh as (
      insert into processed_events (tenant_id, consumer, event_id) values (${tenantId}::uuid, ${countedBy(meter)}, ${eventId})
      on conflict do nothing returning event_id
    ), bump as (
      insert into usage_counters (tenant_id, meter, period_start, quantity)
      select ${tenantId}::uuid, ${meter}, p.start, 1 from p where exists (select 1 from fresh)
      on conflict (tenant_id, meter, period_start) do update set quantity = usage_counters.quantity + 1, updated_at = now()
      returning 1
    )
    select (select start from p) as period_start, exists (select 1 from fresh) as fresh,
      exists (select 1 from processed_events where tenant_id = ${tenantId}::uuid and consumer = ${reportedBy(meter)} and event_id = ${eventId}) as reported`;
}

/**
 * The workspace's billing snapshot for this event: read once per queue delivery and tenant (its
 * handlers share it), outside any transaction. The counting itself is decided in SQL, so a plan
 * changing meanwhile only decides whether this unit's report goes to Stripe, as a moment earlier would.
 */
function snapshotFor(h: HandlerContext): Promise<BillingSnapshot> {
  return sharedRead(h.batch, `billing:snapshot:${h.event.tenant_id}`, () => readSnapshot(h.ctx.db, h.event.tenant_id));
}

/**
 * Outbox consumer for billable events: counts the unit exactly once (processed_events, same
 * statement as the increment) and hands it to the usage queue for reporting to Stripe. A redelivered
 * event re-sends its report unless Stripe already has it; duplicates there are dropped by identifier.
 * Two round trips over HTTP (the snapshot shared by the delivery's events, then the count), no
 * transaction held open and no connection to set up.
 */
export const recordUsage: OutboxHandler = async (h) => {
  const { ctx, event } = h;
  const meter = METERED_EVENTS[event.type];
  if (!meter) return;
  const tenantId = event.tenant_id;
  // Straight to the tenant scope, not withTenant: usage is a fact to record even for a suspended workspace.
  const snap = await snapshotFor(h);
  const at = new Date(event.created_at);
  const [row] = await ctx.db.oneTrip<{ period_start: string | Date; fresh: boolean; reported: boolean }>({ tenantId }, countOnceStatement(tenantId, meter, event.id, at, currentPeriod(snap, at).start));
  if (!row || (!row.fresh && row.reported)) return;
  const periodStart = new Date(row.period_start);
  const customer = billing(snap, meter, periodStart);
  if (!customer) return;
  const report: UsageReport = {
    ...event,
    type: "usage.report",
    aggregate_type: "usage",
    aggregate_id: meter,
    payload: { meter, period_start: periodStart.toISOString(), stripe_customer_id: customer, event_name: METER_EVENT_NAMES[meter] },
  };
  await ctx.env.USAGE_QUEUE.send(report, { contentType: "json" });
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
