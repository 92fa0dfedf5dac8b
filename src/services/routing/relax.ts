import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { drainWaiting } from "./engine";

/**
 * The scheduled sweep's routing chore: a conversation waiting for skills nobody online has becomes
 * routable to any agent of its team once its wait passes `relax_at`; this drains each queue where
 * that just happened, so it is handed over within a sweep (a minute) rather than at the next agent
 * change. One transaction per team queue, in its own tenant; a failing one does not stop the rest.
 *
 * @example
 *   await relaxDueQueues(db); // from `scheduled`, beside the outbox sweep
 */
export async function relaxDueQueues(db: Database): Promise<{ queues: number; assigned: number }> {
  const due = await db.scoped({}, (tx) => tx.execute<{ tenant_id: string; team_id: string }>(sql`select tenant_id, team_id from parley_routing_relax_due()`));
  let assigned = 0;
  let failure: unknown;
  for (const q of due.rows) {
    try {
      const out = await db.scoped({ tenantId: q.tenant_id }, (tx) => drainWaiting(tx, q.tenant_id, { teamId: q.team_id }));
      assigned += out.filter((r) => r.status === "assigned").length;
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure) throw failure;
  return { queues: due.rows.length, assigned };
}
