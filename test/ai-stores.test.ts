import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Database } from "../src/db/client";
import { loadConfig, type Env } from "../src/env";
import { createLogger } from "../src/lib/log";
import { aiStores } from "../src/services/bot/ai-stores";
import type { ServiceContext } from "../src/services/context";
import { checkBudget, recordSpend } from "../src/understanding";
import { call, createTenant, expectStatus, ownerQuery } from "./harness";

function systemCtx(tenantId: string): ServiceContext {
  const config = loadConfig(env as unknown as Env);
  return { requestId: "test", config, env: env as unknown as Env, db: new Database(config), log: createLogger({}, true), tenantId, actor: { type: "system", name: "test" } };
}

describe("the annotator's budget, cache and metering in Postgres", () => {
  it("counts spend per month, refuses past the workspace's limit, and marks when it was reached", async () => {
    const t = await createTenant();
    const ctx = systemCtx(t.id);
    const { budget } = aiStores(ctx, t.id);
    const at = new Date();
    expect(await checkBudget(budget, t.id, at, 5)).toMatchObject({ allowed: true }); // no limit set
    await ownerQuery("insert into ai_budgets (tenant_id, monthly_limit_cents) values ($1, 10)", [t.id]);
    await Promise.all([recordSpend(budget, t.id, at, 4), recordSpend(budget, t.id, at, 4)]);
    expect(await checkBudget(budget, t.id, at, 1)).toMatchObject({ allowed: true });
    await recordSpend(budget, t.id, at, 3);
    expect(await checkBudget(budget, t.id, at, 1)).toMatchObject({ allowed: false, reason: "budget exhausted" });
    const [row] = await ownerQuery("select spent_cents, calls, exhausted_at from ai_spend where tenant_id = $1", [t.id]);
    expect(row).toMatchObject({ spent_cents: 11, calls: 3 });
    expect(row.exhausted_at).not.toBeNull();
    // The owner sees why on the billing page and in the API.
    const billing = await call("GET", "/v1/billing", { token: t.owner.token });
    expectStatus(billing, 200);
    expect(billing.body.ai_budget).toMatchObject({ monthly_limit_cents: 10, spent_cents: 11, calls: 3 });
    expect(billing.body.warnings.join(" ")).toContain("AI budget");
    await ctx.db.close();
  });

  it("keeps cached answers per workspace, and meters each provider call as ai.call", async () => {
    const t = await createTenant();
    const other = await createTenant();
    const ctx = systemCtx(t.id);
    const stores = aiStores(ctx, t.id);
    const value = { language: "es", intent: "unknown", sentiment: { score: 0, label: "neutral" }, urgency: 0, priority: "P3", entities: [] };
    await stores.cache.put(t.id, "k1", value as never, 60);
    expect(await stores.cache.get(t.id, "k1")).toEqual(value);
    const otherCtx = systemCtx(other.id);
    expect(await aiStores(otherCtx, other.id).cache.get(other.id, "k1")).toBeUndefined();
    await stores.onUsage({ type: "ai.call", tenantId: t.id, provider: "workers-ai", model: "m", inputTokens: 10, outputTokens: 5, costCents: 0.01, at: new Date().toISOString() });
    const events = await ownerQuery("select type, payload from outbox_events where tenant_id = $1 and type = 'ai.call'", [t.id]);
    expect(events).toHaveLength(1);
    expect(events[0].payload).toMatchObject({ provider: "workers-ai", input_tokens: 10 });
    await ctx.db.close();
    await otherCtx.db.close();
  });
});
