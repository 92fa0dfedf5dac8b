/**
 * Per-workspace monthly AI budget (seed 003's llm_budget_limits / llm_usage_logs), as pure logic over an
 * injected store so the same rules run against Postgres in the Worker and a map in tests.
 * Amounts are cents; spend may be fractional (a short classification costs a small part of a cent).
 */

export interface BudgetStore {
  /** The workspace's monthly limit in cents; null when it has none (AI calls unlimited). */
  limitCents(tenantId: string): Promise<number | null>;
  /** Cents spent in `month` ("YYYY-MM", UTC). */
  spentCents(tenantId: string, month: string): Promise<number>;
  /** Adds to `month`'s spend; must be an atomic increment (concurrent calls add up). */
  addSpend(tenantId: string, month: string, cents: number): Promise<void>;
}

/** Price of a model in cents per million tokens. */
export interface ModelPrice {
  inputCentsPerMTok: number;
  outputCentsPerMTok: number;
}

export const monthOf = (at: Date) => at.toISOString().slice(0, 7);

export function costCents(price: ModelPrice, usage: { inputTokens: number; outputTokens: number }): number {
  return (usage.inputTokens * price.inputCentsPerMTok + usage.outputTokens * price.outputCentsPerMTok) / 1_000_000;
}

/** Rough tokens for a prompt before it is sent: about four characters a token, plus the fixed instructions. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4) + 350;

export type BudgetDecision = { allowed: true; remainingCents: number | null } | { allowed: false; reason: "budget exhausted"; limitCents: number; spentCents: number };

/**
 * Whether one more call of about `estimateCents` fits this month's budget. Checked before the call; the
 * real cost is recorded after it, so concurrent calls may overshoot by at most one call each.
 */
export async function checkBudget(store: BudgetStore, tenantId: string, at: Date, estimateCents: number): Promise<BudgetDecision> {
  const limit = await store.limitCents(tenantId);
  if (limit === null) return { allowed: true, remainingCents: null };
  const spent = await store.spentCents(tenantId, monthOf(at));
  if (spent + estimateCents > limit) return { allowed: false, reason: "budget exhausted", limitCents: limit, spentCents: spent };
  return { allowed: true, remainingCents: limit - spent - estimateCents };
}

export async function recordSpend(store: BudgetStore, tenantId: string, at: Date, cents: number): Promise<void> {
  if (cents > 0) await store.addSpend(tenantId, monthOf(at), cents);
}

/** A store in memory, for tests and for local runs without a database. */
export function memoryBudgetStore(limits: Record<string, number | null> = {}): BudgetStore & { spend: Map<string, number> } {
  const spend = new Map<string, number>();
  return {
    spend,
    limitCents: async (tenantId) => limits[tenantId] ?? null,
    spentCents: async (tenantId, month) => spend.get(`${tenantId}:${month}`) ?? 0,
    addSpend: async (tenantId, month, cents) => {
      spend.set(`${tenantId}:${month}`, (spend.get(`${tenantId}:${month}`) ?? 0) + cents);
    },
  };
}
