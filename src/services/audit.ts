import type { Tx } from "../db/client";
import { auditLog, outboxEvents } from "../db/schema";
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

/** Domain events go to the outbox in the same transaction as the change; a relay publishes them to Queues. */
export async function emitEvent(
  tx: Tx,
  event: { tenantId: string; type: `${string}.${string}`; aggregateType: string; aggregateId: string; payload: Record<string, unknown> },
): Promise<string> {
  const id = crypto.randomUUID();
  await tx.insert(outboxEvents).values({ id, ...event });
  return id;
}

/** Several events in one statement (hot paths: one round trip however many messages a batch holds). */
export async function emitEvents(
  tx: Tx,
  events: Array<{ tenantId: string; type: `${string}.${string}`; aggregateType: string; aggregateId: string; payload: Record<string, unknown> }>,
): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(outboxEvents).values(events.map((e) => ({ id: crypto.randomUUID(), ...e })));
}
