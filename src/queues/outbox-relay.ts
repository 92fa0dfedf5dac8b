import { and, asc, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { outboxEvents } from "../db/schema";
import type { Env } from "../env";
import { pgArray } from "../knowledge/text";

/** What travels on the queue: the outbox row as written, so consumers need no second read to route it. */
export interface OutboxMessage {
  id: string;
  tenant_id: string;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
  created_at: string;
}

const BATCH = 100;

/** An outbox row as the queue carries it. */
export const outboxMessage = (r: typeof outboxEvents.$inferSelect): OutboxMessage => ({
  id: r.id,
  tenant_id: r.tenantId,
  type: r.type,
  aggregate_type: r.aggregateType,
  aggregate_id: r.aggregateId,
  payload: r.payload,
  created_at: r.createdAt.toISOString(),
});

/**
 * Moves a tenant's committed, unpublished outbox events onto the queue and marks them published.
 * Rows are claimed with SKIP LOCKED so two relays never send the same batch; if marking fails after a
 * send, the events go again later — consumers are idempotent (processed_events), so at-least-once is safe.
 */
export async function publishOutbox(db: Database, env: Env, tenantId: string): Promise<number> {
  return db.scoped({ tenantId }, async (tx) => {
    const rows = await tx
      .select()
      .from(outboxEvents)
      .where(and(isNull(outboxEvents.publishedAt), lte(outboxEvents.availableAt, sql`now()`)))
      .orderBy(asc(outboxEvents.createdAt))
      .limit(BATCH)
      .for("update", { skipLocked: true });
    if (rows.length === 0) return 0;
    await env.OUTBOX_QUEUE.sendBatch(rows.map((r) => ({ body: outboxMessage(r), contentType: "json" as const })));
    await tx.update(outboxEvents).set({ publishedAt: sql`now()` }).where(inArray(outboxEvents.id, rows.map((r) => r.id)));
    return rows.length;
  });
}

/** Cron: publishes what the after-commit path missed (isolate evicted, queue briefly unavailable). */
export async function sweepOutbox(db: Database, env: Env, minAgeSeconds = 30): Promise<number> {
  const tenants = await db.scoped({}, async (tx) => {
    const result = await tx.execute<{ tenant_id: string }>(sql`select parley_outbox_pending_tenants(${minAgeSeconds}) as tenant_id`);
    return result.rows.map((r) => r.tenant_id);
  });
  let published = 0;
  for (const tenantId of tenants) published += await publishOutbox(db, env, tenantId);
  return published;
}

/**
 * Publishes events its caller just committed (it has them in hand, so no read) and marks them published
 * in one statement. If this fails halfway, the sweep sends them again: consumers are idempotent.
 */
export async function publishEvents(db: Database, env: Env, tenantId: string, events: OutboxMessage[]): Promise<void> {
  if (events.length === 0) return;
  await env.OUTBOX_QUEUE.sendBatch(events.map((body) => ({ body, contentType: "json" as const })));
  await db.execute(markPublished(tenantId, events.map((e) => e.id)));
}

/** The statement that marks a workspace's outbox events published (also part of a batch, see sendOutbound's record). */
export const markPublished = (tenantId: string, ids: readonly string[]) => sql`select parley_outbox_mark_published(${tenantId}::uuid, ${pgArray(ids)}::uuid[])`;
