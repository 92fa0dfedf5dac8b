/**
 * Postgres behind the annotator's budget and cache (src/understanding/budget.ts, cache.ts), and the
 * `ai.call` usage event that meters every provider call through the existing Stripe metering. Each
 * runs in its own short tenant transaction: annotation happens before a turn's transaction opens, so
 * no provider call ever waits inside one.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import type { AiCallUsage, AnnotationCacheStore, BudgetStore } from "../../understanding";
import { emitEvent } from "../audit";
import type { ServiceContext } from "../context";

export function aiStores(ctx: ServiceContext, tenantId: string): { budget: BudgetStore; cache: AnnotationCacheStore; onUsage: (u: AiCallUsage) => Promise<void> } {
  const scoped = <T>(fn: (tx: Tx) => Promise<T>) => ctx.db.scoped({ tenantId }, fn);
  return {
    budget: {
      limitCents: async () => {
        const r = await scoped((tx) => tx.execute<{ monthly_limit_cents: number | null }>(sql`select monthly_limit_cents from ai_budgets where tenant_id = ${tenantId}::uuid`));
        return r.rows[0]?.monthly_limit_cents ?? null;
      },
      spentCents: async (_t, month) => {
        const r = await scoped((tx) => tx.execute<{ spent_cents: number }>(sql`select spent_cents from ai_spend where tenant_id = ${tenantId}::uuid and month = ${month}`));
        return Number(r.rows[0]?.spent_cents ?? 0);
      },
      addSpend: async (_t, month, cents) => {
        // Atomic increment; `exhausted_at` marks when the month's limit was reached (shown to the owner).
        await scoped((tx) =>
          tx.execute(sql`insert into ai_spend (tenant_id, month, spent_cents, calls) values (${tenantId}::uuid, ${month}, ${cents}, 1)
            on conflict (tenant_id, month) do update set spent_cents = ai_spend.spent_cents + excluded.spent_cents, calls = ai_spend.calls + 1,
              exhausted_at = coalesce(ai_spend.exhausted_at, case when (select monthly_limit_cents from ai_budgets b where b.tenant_id = ai_spend.tenant_id) <= ai_spend.spent_cents + excluded.spent_cents then now() end)`),
        );
      },
    },
    cache: {
      get: async (_t, key) => {
        const r = await scoped((tx) => tx.execute<{ value: Record<string, unknown> }>(sql`select value from ai_cache where tenant_id = ${tenantId}::uuid and key = ${key} and expires_at > now()`));
        return r.rows[0]?.value as never;
      },
      put: async (_t, key, value, ttlSeconds) => {
        await scoped((tx) =>
          tx.execute(sql`insert into ai_cache (tenant_id, key, value, expires_at) values (${tenantId}::uuid, ${key}, ${JSON.stringify(value)}::jsonb, now() + make_interval(secs => ${ttlSeconds}))
            on conflict (tenant_id, key) do update set value = excluded.value, expires_at = excluded.expires_at`),
        );
      },
    },
    onUsage: async (u) => {
      await scoped((tx) =>
        emitEvent(tx, { tenantId, type: "ai.call", aggregateType: "ai_call", aggregateId: crypto.randomUUID(), payload: { provider: u.provider, model: u.model, input_tokens: u.inputTokens, output_tokens: u.outputTokens, cost_cents: u.costCents, at: u.at } }),
      );
    },
  };
}
