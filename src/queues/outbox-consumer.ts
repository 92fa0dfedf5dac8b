import { sql } from "drizzle-orm";
import { Database, type Tx } from "../db/client";
import { outboxEvents, processedEvents } from "../db/schema";
import { loadConfig, type Env } from "../env";
import { createLogger } from "../lib/log";
import type { ServiceContext } from "../services/context";
import { DEAD_LETTER_HANDLERS, OUTBOX_HANDLERS } from "./handlers";
import type { BatchShared } from "./batch-shared";
import type { OutboxMessage } from "./outbox-relay";

export interface HandlerContext {
  ctx: ServiceContext;
  event: OutboxMessage;
  /** The delivery this event came in, shared by its handlers (see BatchShared); absent when called alone. */
  batch?: BatchShared;
}


/** One consumer per event type. Handlers must be idempotent: use `claimOnce` or the domain's own state. */
export type OutboxHandler = (h: HandlerContext) => Promise<void>;

/**
 * Records that `consumer` has taken effect for `eventId`, inside the caller's transaction. Returns false
 * when it already had: the caller then does nothing, so a redelivered event changes nothing.
 */
export async function claimOnce(tx: Tx, tenantId: string, consumer: string, eventId: string): Promise<boolean> {
  const rows = await tx.insert(processedEvents).values({ tenantId, consumer, eventId }).onConflictDoNothing().returning({ id: processedEvents.eventId });
  return rows.length > 0;
}

const MAX_BACKOFF_SECONDS = 15 * 60;

export async function consumeOutbox(batch: MessageBatch<OutboxMessage>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger({ consumer: batch.queue }, config.ENVIRONMENT === "test");
  // One lane per conversation (or per event when it names none): lanes run side by side, each in
  // order, so one customer's bot turn never waits behind another's and a conversation's events keep
  // their order. Each lane has its own connection: transactions must not interleave on one.
  const lanes = new Map<string, Array<Message<OutboxMessage>>>();
  for (const message of batch.messages) {
    const conversation = (message.body.payload as { conversation_id?: unknown } | null)?.conversation_id;
    const key = typeof conversation === "string" ? conversation : message.body.id;
    lanes.set(key, [...(lanes.get(key) ?? []), message]);
  }
  const queue = [...lanes.values()];
  const shared: BatchShared = { events: batch.messages.map((m) => m.body), memo: new Map() };
  const worker = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) {
      const db = new Database(config);
      try {
        for (const message of lane) await handleOne(message, { config, env, db, log }, shared);
      } finally {
        await db.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_LANES, queue.length) }, worker));
}

/** Lanes of one batch handled at once (each holds a database connection while it works). */
const MAX_LANES = 8;

async function handleOne(message: Message<OutboxMessage>, deps: { config: ServiceContext["config"]; env: Env; db: Database; log: ServiceContext["log"] }, batch: BatchShared) {
  const event = message.body;
  const handler = OUTBOX_HANDLERS[event.type];
  if (!handler) {
    message.ack(); // no consumer for this type (yet): nothing to do, nothing to retry
    return;
  }
  const ctx: ServiceContext = { requestId: `outbox:${event.id}`, ...deps, tenantId: event.tenant_id, actor: { type: "system", name: `outbox:${event.type}` } };
  try {
    await handler({ ctx, event, batch });
    message.ack();
  } catch (err) {
    // Exponential backoff; after max_retries the queue moves it to the dead-letter queue.
    const delaySeconds = Math.min(MAX_BACKOFF_SECONDS, 2 ** message.attempts * 5);
    deps.log.warn("outbox handler failed; will retry", { event_id: event.id, type: event.type, attempts: message.attempts, error: err instanceof Error ? err.message : String(err) });
    message.retry({ delaySeconds });
  }
}

/** Dead letters: keep the failure on the outbox row, where operators and tenants can see and replay it. */
export async function consumeDeadLetters(batch: MessageBatch<OutboxMessage>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const db = new Database(config);
  const log = createLogger({ consumer: batch.queue });
  try {
    for (const message of batch.messages) {
      const event = message.body;
      await db.scoped({ tenantId: event.tenant_id }, async (tx) => {
        await tx.update(outboxEvents).set({ lastError: "dead-lettered after retries", attempts: sql`${outboxEvents.attempts} + 1` }).where(sql`${outboxEvents.id} = ${event.id}`);
        await DEAD_LETTER_HANDLERS[event.type]?.(tx, event);
      });
      log.error("outbox event dead-lettered", { event_id: event.id, type: event.type, tenant_id: event.tenant_id });
      message.ack();
    }
  } finally {
    await db.close();
  }
}
