import { and, eq, sql } from "drizzle-orm";
import Stripe from "stripe";
import { Database, type Tx } from "../../db/client";
import { processedEvents, usageCounters } from "../../db/schema";
import { loadConfig, type AppConfig, type Env } from "../../env";
import { createLogger } from "../../lib/log";
import { notConfigured, stripeClient } from "./stripe";
import { reportedBy, type UsageReport } from "./usage";

/** Stripe's maximum number of events in one meter_event_stream request. */
const STREAM_BATCH = 100;
const MAX_BACKOFF_SECONDS = 10 * 60;

/** Meter event sessions last 15 minutes; one per isolate is reused until shortly before it expires. */
let session: { key: string; token: string; expiresAt: number } | undefined;

async function streamClient(config: AppConfig, fresh = false): Promise<Stripe> {
  const key = config.STRIPE_SECRET_KEY;
  if (!key) throw notConfigured();
  if (fresh || !session || session.key !== key || session.expiresAt - 60_000 < Date.now()) {
    const created = await stripeClient(config).v2.billing.meterEventSession.create();
    session = { key, token: created.authentication_token, expiresAt: Date.parse(created.expires_at) };
  }
  return stripeClient(config, session.token);
}

/**
 * One unit per meter event, identified by its outbox event id: Stripe drops an identifier it has seen
 * in the last 24 hours, so however often a batch is retried, each unit is billed once.
 */
async function sendToStripe(config: AppConfig, reports: UsageReport[]): Promise<void> {
  const events = reports.map((r) => ({
    event_name: r.payload.event_name,
    identifier: r.id,
    timestamp: new Date(r.created_at).toISOString(),
    payload: { stripe_customer_id: r.payload.stripe_customer_id, value: "1" },
  }));
  for (let i = 0; i < events.length; i += STREAM_BATCH) {
    const chunk = events.slice(i, i + STREAM_BATCH);
    try {
      await (await streamClient(config)).v2.billing.meterEventStream.create({ events: chunk });
    } catch (err) {
      if (!(err instanceof Stripe.errors.TemporarySessionExpiredError)) throw err;
      await (await streamClient(config, true)).v2.billing.meterEventStream.create({ events: chunk });
    }
  }
}

/**
 * Advances `reported` only for units whose report claim is new, in the same transaction as the claim:
 * `reported` is then exactly the number of distinct units Stripe has accepted.
 */
async function markReported(tx: Tx, tenantId: string, reports: UsageReport[]): Promise<void> {
  const claimed = await tx
    .insert(processedEvents)
    .values(reports.map((r) => ({ tenantId, consumer: reportedBy(r.payload.meter), eventId: r.id })))
    .onConflictDoNothing()
    .returning({ consumer: processedEvents.consumer, eventId: processedEvents.eventId });
  const fresh = new Set(claimed.map((c) => `${c.consumer}|${c.eventId}`));
  const increments = new Map<string, { meter: string; periodStart: Date; n: number }>();
  for (const r of reports) {
    if (!fresh.delete(`${reportedBy(r.payload.meter)}|${r.id}`)) continue;
    const key = `${r.payload.meter}|${r.payload.period_start}`;
    const inc = increments.get(key) ?? { meter: r.payload.meter, periodStart: new Date(r.payload.period_start), n: 0 };
    inc.n += 1;
    increments.set(key, inc);
  }
  for (const inc of increments.values()) {
    await tx
      .update(usageCounters)
      .set({ reported: sql`${usageCounters.reported} + ${inc.n}`, lastReportedAt: sql`now()` })
      .where(and(eq(usageCounters.tenantId, tenantId), eq(usageCounters.meter, inc.meter), eq(usageCounters.periodStart, inc.periodStart)));
  }
}

/** Consumer of the usage queue: a whole batch goes to Stripe in as few requests as its size allows. */
export async function consumeUsageReports(batch: MessageBatch<UsageReport>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger({ consumer: batch.queue }, config.ENVIRONMENT === "test");
  const retry = (messages: readonly Message<UsageReport>[]) => {
    for (const m of messages) m.retry({ delaySeconds: Math.min(MAX_BACKOFF_SECONDS, 2 ** Math.max(0, m.attempts - 1) * 2) });
  };
  try {
    await sendToStripe(config, batch.messages.map((m) => m.body));
  } catch (err) {
    log.warn("reporting usage to Stripe failed; will retry", { events: batch.messages.length, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    retry(batch.messages);
    return;
  }
  const byTenant = new Map<string, Message<UsageReport>[]>();
  for (const m of batch.messages) byTenant.set(m.body.tenant_id, [...(byTenant.get(m.body.tenant_id) ?? []), m]);
  const db = new Database(config);
  try {
    for (const [tenantId, messages] of byTenant) {
      try {
        await db.scoped({ tenantId }, (tx) => markReported(tx, tenantId, messages.map((m) => m.body)));
        for (const m of messages) m.ack();
      } catch (err) {
        // Stripe has these units; the retry re-sends them (dropped there as duplicates) and claims them here.
        log.warn("recording reported usage failed; will retry", { tenant_id: tenantId, error: err instanceof Error ? err.message : String(err) });
        retry(messages);
      }
    }
  } finally {
    await db.close();
  }
}
