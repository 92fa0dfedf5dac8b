import type { Tx } from "../db/client";
import { auditLog, outboxEvents } from "../db/schema";
import type { EventPayload, EventType, OutboxEventInput } from "../events/catalog";
import type { ServiceContext } from "./context";

/** Audit rows are written in the mutation's own transaction: no change without its record, and vice versa. */
export async function recordAudit(
  tx: Tx,
  ctx: ServiceContext,
  entry: { tenantId: string; actorType: string; actorId: string | null; action: `${string}.${string}`; entityType: string; entityId?: string; data?: Record<string, unknown> },
): Promise<void> {
  await tx.insert(auditLog).values({
    tenantId: entry.tenantId,
    actorType: entry.actorType,
    actorId: entry.actorId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    data: entry.data ?? {},
    requestId: ctx.requestId,
    ip: ctx.ip ?? null,
  });
}

/**
 * Domain events go to the outbox in the same transaction as the change; a relay publishes them to Queues.
 * Only types declared in src/events/catalog.ts, with that type's payload, are accepted.
 */
export async function emitEvent<T extends EventType>(
  tx: Tx,
  event: { tenantId: string; type: T; aggregateType: string; aggregateId: string; payload: EventPayload<T> },
): Promise<string> {
  const id = crypto.randomUUID();
  await tx.insert(outboxEvents).values({ id, ...event });
  return id;
}

/** Several events in one statement (hot paths: one round trip however many messages a batch holds). */
export async function emitEvents(tx: Tx, events: OutboxEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(outboxEvents).values(events.map((e) => ({ id: crypto.randomUUID(), ...e })));
}
