import type { Database } from "../../src/db/client";
import type { Env } from "../../src/env";
import { publishOutbox } from "../../src/queues/outbox-relay";
import { fireDueSla, slaMayApplyToQuery } from "../../src/services/sla/clocks";
import type { ThreadMeta } from "./types";

/**
 * SLA deadlines on the thread object's one alarm (multiplexed with the debounce group and the bot's
 * timers: the alarm is set for the earliest of them all). A thread may hold timers for several
 * conversations over time (a resolved one followed by a new one), one storage key each.
 *
 * The object only remembers *when* to look; what is due is decided in Postgres when the timer fires
 * (fireDueSla recomputes the clocks from the conversation as it is then, and claims each warning and
 * breach with a unique row). So a timer that survived an eviction, fired twice, or outlived its
 * conversation's resolution does the right thing: fires once, or nothing.
 */

export interface SlaTimer {
  conversationId: string;
  at: number;
}

const KEY = "sla:";
const RETRY_MS = 5_000;

/** Stores (or, with `at: null`, drops) a conversation's SLA timer and pulls the alarm in if it is sooner. */
export async function scheduleSlaTimer(storage: DurableObjectStorage, input: { conversationId: string; at: number | null }): Promise<void> {
  const key = `${KEY}${input.conversationId}`;
  if (input.at === null) {
    await storage.delete(key);
    return;
  }
  await storage.put(key, { conversationId: input.conversationId, at: input.at } satisfies SlaTimer);
  const alarm = await storage.getAlarm();
  if (alarm === null || alarm > input.at) await storage.setAlarm(input.at);
}

/** The earliest SLA timer, for the alarm's next wake-up. */
export async function nextSlaTimer(storage: DurableObjectStorage): Promise<number | undefined> {
  const timers = await storage.list<SlaTimer>({ prefix: KEY });
  let min: number | undefined;
  for (const t of timers.values()) if (min === undefined || t.at < min) min = t.at;
  return min;
}

/**
 * Runs every SLA timer that is due. A failure (Postgres away) keeps the timer and retries it shortly;
 * it never stops the alarm's other work.
 */
export async function runDueSlaTimers(storage: DurableObjectStorage, env: Env, meta: ThreadMeta, database: () => Database, log: { warn: (msg: string, data?: Record<string, unknown>) => void }): Promise<void> {
  const now = Date.now();
  const timers = [...(await storage.list<SlaTimer>({ prefix: KEY })).values()].filter((t) => t.at <= now);
  for (const timer of timers) {
    const key = `${KEY}${timer.conversationId}`;
    try {
      const db = database();
      if (!(await mayHaveClock(db, meta.tenantId, timer.conversationId))) {
        await storage.delete(key);
        continue;
      }
      const result = await db.scoped({ tenantId: meta.tenantId }, (tx) => fireDueSla(tx, meta.tenantId, timer.conversationId, Date.now()));
      // The timer may have been moved while Postgres was asked; keep the newer one.
      const current = await storage.get<SlaTimer>(key);
      if (current && current.at !== timer.at) continue;
      if (result.nextCheckAt === null) await storage.delete(key);
      else await storage.put(key, { conversationId: timer.conversationId, at: result.nextCheckAt } satisfies SlaTimer);
      if (result.fired.length > 0) await publishOutbox(db, env, meta.tenantId).catch(() => {}); // the outbox sweep sends it otherwise
      if (result.fired.length > 0) await recordFired(storage, timer, result.fired.length);
    } catch (err) {
      log.warn("thread: SLA check failed; will retry", { conversation_id: timer.conversationId, error: err instanceof Error ? err.message : String(err) });
      await storage.put(key, { conversationId: timer.conversationId, at: Date.now() + RETRY_MS } satisfies SlaTimer);
    }
  }
}

/** See slaMayApplyToQuery: most workspaces, without SLA policies, never open a connection for a check. */
async function mayHaveClock(db: Database, tenantId: string, conversationId: string): Promise<boolean> {
  return (await db.oneTrip({ tenantId }, slaMayApplyToQuery(tenantId, [conversationId]))).length > 0;
}

/** After the bot's turn (priority and team may have changed): check the conversation's clock now. */
export async function checkSlaSoon(storage: DurableObjectStorage, conversationId: string): Promise<void> {
  await scheduleSlaTimer(storage, { conversationId, at: Date.now() });
}

/** Lateness samples for the benchmark and tests: when each timer meant to fire and when it did. */
async function recordFired(storage: DurableObjectStorage, timer: SlaTimer, count: number) {
  const stats = (await storage.get<{ fired: number; lastLatenessMs: number }>("sla-stats")) ?? { fired: 0, lastLatenessMs: 0 };
  await storage.put("sla-stats", { fired: stats.fired + count, lastLatenessMs: Date.now() - timer.at });
}
