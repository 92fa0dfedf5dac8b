import { sql } from "drizzle-orm";
import type { Database } from "../db/client";

/** How long the raw delivery log keeps rejected (unauthenticated) and accepted deliveries (the replay window). */
export const CHANNEL_EVENTS_RETENTION_DAYS = { rejected: 7, accepted: 30 } as const;

/**
 * Deletes channel deliveries older than their retention, across tenants: the log is append-only for the
 * app, so a SECURITY DEFINER function (migrations/0010) is the one way rows leave it. Runs from the
 * scheduled handler beside the outbox sweep; returns how many rows went.
 */
export async function applyRetention(db: Database, days = CHANNEL_EVENTS_RETENTION_DAYS): Promise<number> {
  return db.scoped({}, async (tx) => {
    const result = await tx.execute<{ deleted: number }>(
      sql`select parley_channel_events_retention(${days.rejected}::integer, ${days.accepted}::integer) as deleted`,
    );
    return Number(result.rows[0]?.deleted ?? 0);
  });
}
