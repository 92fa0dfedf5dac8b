import type { Tx } from "../../db/client";
import { actorRef, type Principal } from "../access";
import type { EventPayload, EventType, OutboxEventInput } from "../../events/catalog";
import { emitEvents, recordAudit } from "../audit";
import type { ServiceContext } from "../context";

/**
 * Who made a change, for its audit row. The transaction-taking verbs (tickets, reservations,
 * escalations) are called both by API routes, for a signed-in principal, and by a flow run inside its
 * own transaction, where Parley itself acts: both leave the same audit row and outbox event.
 */
export interface Author {
  actorType: string;
  actorId: string | null;
  requestId?: string;
  ip?: string;
}

/** The default for calls from a flow run; pass your own when a queue consumer or an agent acts. */
export const FLOW_AUTHOR: Author = { actorType: "system", actorId: "flow" };

export function authorOf(ctx: ServiceContext, principal: Principal): Author {
  return { ...actorRef(principal), requestId: ctx.requestId, ip: ctx.ip };
}

/** An audited action alone, or one that is also an outbox event: then a catalog type with its payload. */
type AuditedChange =
  | { action: `${string}.${string}`; event?: undefined }
  | { [T in EventType]: { action: T; event: EventPayload<T> } }[EventType];

/** The audit row and the outbox event of one change, both in the caller's transaction. */
export async function recordChange(
  tx: Tx,
  tenantId: string,
  by: Author,
  change: { entityType: string; entityId: string; data?: Record<string, unknown> } & AuditedChange,
): Promise<void> {
  // recordAudit reads only the request id and address from its context; a flow run has neither.
  const auditCtx = { requestId: by.requestId ?? null, ip: by.ip } as unknown as ServiceContext;
  await recordAudit(tx, auditCtx, { tenantId, actorType: by.actorType, actorId: by.actorId, action: change.action, entityType: change.entityType, entityId: change.entityId, data: change.data ?? {} });
  if (change.event) {
    await emitEvents(tx, [{ tenantId, type: change.action, aggregateType: change.entityType, aggregateId: change.entityId, payload: change.event } as OutboxEventInput]);
  }
}
