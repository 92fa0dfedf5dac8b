import { describe, expect, it } from "vitest";
import { createAiDouble, SAMPLE_ANSWER } from "../../test/doubles/ai-double";
import { memoryBudgetStore } from "./budget";
import { cacheKey, memoryCacheStore } from "./cache";
import { type AiCallUsage, guardedAnnotator } from "./guarded";
import { openAiCompatibleClient } from "./openai-compatible";
import { AnnotationsSchema } from "./port";
import { loadUnderstandingConfig, selectAnnotator } from "./select";
import { workersAiClient } from "./workers-ai";

const TEXT = "I was charged twice for order A1234";
const tenantId = "8d7c1f9e-2b1a-4f6e-9a41-0c5f2b7e1d11";

function openai(d: ReturnType<typeof createAiDouble>) {
  return openAiCompatibleClient({ baseUrl: "http://ai.double/v1", apiKey: "sk-test", model: "small-model", fetch: d.fetch });
}

describe("OpenAI-compatible adapter", () => {
  it("posts the text to {base}/chat/completions in JSON mode and returns the validated answer", async () => {
    const d = createAiDouble();
    const usage: AiCallUsage[] = [];
    const a = await guardedAnnotator(openai(d), { tenantId, onUsage: (u) => void usage.push(u) }).understand(TEXT);
    expect(a).toEqual({ ...SAMPLE_ANSWER, source: "openai-compatible" });
    expect(d.requests).toHaveLength(1);
    const req = d.requests[0]!;
    expect(req.headers.authorization).toBe("Bearer sk-test");
    expect(req.body).toMatchObject({ model: "small-model", response_format: { type: "json_object" } });
    // The customer's text travels as the user message only, never inside the instructions.
    const messages = req.body.messages as Array<{ role: string; content: string }>;
    expect(messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(messages[1]!.content).toBe(TEXT);
    expect(messages[0]!.content).not.toContain(TEXT);
    expect(usage).toEqual([expect.objectContaining({ type: "ai.call", tenantId, provider: "openai-compatible", model: "small-model", inputTokens: 420, outputTokens: 96 })]);
  });

  it.each([
    ["error", "openai-compatible http 503"],
    ["invalid", "openai-compatible invalid answer"],
    ["not-json", "openai-compatible invalid answer"],
    ["slow", "openai-compatible timeout"],
  ] as const)("answers offline when the endpoint is %s, and says why", async (mode, reason) => {
    const d = createAiDouble();
    d.mode = mode;
    const a = await guardedAnnotator(openai(d), { tenantId, timeoutMs: 100 }).understand(TEXT);
    expect(d.requests).toHaveLength(1);
    expect(a.source).toBe(`local (fallback: ${reason})`);
    expect(a.fallback_reason).toBe(reason);
    expect(a.intent).toBe("transaction_system_failure");
    expect(AnnotationsSchema.safeParse(a).success).toBe(true);
  });

  it("refuses an answer whose intent is outside the workspace's taxonomy", async () => {
    const d = createAiDouble();
    d.answer = { ...SAMPLE_ANSWER, intent: "table_booking" };
    expect((await guardedAnnotator(openai(d), { tenantId }).understand(TEXT)).source).toBe("local (fallback: openai-compatible invalid answer)");
    const taxonomy = [{ intent: "table_booking", keywords: ["table"] }];
    expect(await guardedAnnotator(openai(d), { tenantId }).understand(TEXT, { taxonomy })).toMatchObject({ intent: "table_booking", source: "openai-compatible" });
  });
});

describe("Workers AI adapter", () => {
  it("runs the model through the binding with a JSON schema and returns the validated answer", async () => {
    const d = createAiDouble();
    const a = await guardedAnnotator(workersAiClient(d.binding(), "@cf/test/model"), { tenantId }).understand(TEXT, { languageHint: "en" });
    expect(a).toEqual({ ...SAMPLE_ANSWER, source: "workers-ai" });
    expect(d.requests[0]).toMatchObject({ api: "workers-ai-binding", model: "@cf/test/model", body: { response_format: { type: "json_schema" } } });
  });

  it.each([
    ["error", "workers-ai error"],
    ["invalid", "workers-ai invalid answer"],
    ["slow", "workers-ai timeout"],
  ] as const)("answers offline when the binding is %s", async (mode, reason) => {
    const d = createAiDouble();
    d.mode = mode;
    d.delayMs = 5_000;
    const a = await guardedAnnotator(workersAiClient(d.binding()), { tenantId, timeoutMs: 100 }).understand("No puedo entrar a mi cuenta");
    expect(a).toMatchObject({ source: `local (fallback: ${reason})`, language: "es", intent: "account_access_issue" });
  });
});

describe("budget and cache", () => {
  it("asks the provider once for the same text and serves the cached answer after", async () => {
    const d = createAiDouble();
    const cache = memoryCacheStore();
    const usage: AiCallUsage[] = [];
    const annotator = guardedAnnotator(openai(d), { tenantId, cache, onUsage: (u) => void usage.push(u) });
    await annotator.understand(TEXT);
    const again = await annotator.understand(`  ${TEXT}  `);
    expect(again.source).toBe("openai-compatible");
    expect(d.requests).toHaveLength(1);
    expect(usage).toHaveLength(1);
    // Another workspace does not share the answers.
    await guardedAnnotator(openai(d), { tenantId: "other", cache }).understand(TEXT);
    expect(d.requests).toHaveLength(2);
  });

  it("keys the cache by provider, model, intents and text", async () => {
    const base = await cacheKey("openai-compatible", "m1", "hello  world");
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(await cacheKey("openai-compatible", "m1", " hello world ")).toBe(base);
    expect(await cacheKey("openai-compatible", "m2", "hello world")).not.toBe(base);
    expect(await cacheKey("workers-ai", "m1", "hello world")).not.toBe(base);
    expect(await cacheKey("openai-compatible", "m1", "HELLO WORLD")).not.toBe(base);
    expect(await cacheKey("openai-compatible", "m1", "hello world", ["table_booking"])).not.toBe(base);
  });

  it("records each call's cost and falls back without calling once the month's budget is spent", async () => {
    const d = createAiDouble();
    const budget = memoryBudgetStore({ [tenantId]: 0.05 });
    const price = { inputCentsPerMTok: 50, outputCentsPerMTok: 150 };
    const now = () => new Date("2026-12-01T10:00:00Z");
    const annotator = guardedAnnotator(openai(d), { tenantId, budget, price, now });
    expect((await annotator.understand(TEXT)).source).toBe("openai-compatible");
    // 420 input and 96 output tokens at these prices.
    expect(budget.spend.get(`${tenantId}:2026-12`)).toBeCloseTo(0.0354, 6);
    const second = await annotator.understand("Another message about my refund");
    expect(second.source).toBe("local (fallback: openai-compatible budget exhausted)");
    expect(d.requests).toHaveLength(1);
    // A new month starts with a fresh budget.
    const january = guardedAnnotator(openai(d), { tenantId, budget, price, now: () => new Date("2027-01-01T00:00:01Z") });
    expect((await january.understand("Another message about my refund")).source).toBe("openai-compatible");
  });

  it("never calls the provider for a workspace without budget left and still meters nothing", async () => {
    const d = createAiDouble();
    const usage: AiCallUsage[] = [];
    const a = await guardedAnnotator(openai(d), { tenantId, budget: memoryBudgetStore({ [tenantId]: 0 }), onUsage: (u) => void usage.push(u) }).understand(TEXT);
    expect(a.fallback_reason).toBe("openai-compatible budget exhausted");
    expect(d.requests).toHaveLength(0);
    expect(usage).toHaveLength(0);
  });
});

describe("choosing the annotator from configuration", () => {
  it("runs offline unless a provider is configured, and refuses a provider that cannot run", async () => {
    const d = createAiDouble();
    expect(selectAnnotator(loadUnderstandingConfig({}), { tenantId }).name).toBe("local");
    expect(() => selectAnnotator(loadUnderstandingConfig({ AI_PROVIDER: "workers-ai" }), { tenantId })).toThrow(/AI binding/);
    expect(() => selectAnnotator(loadUnderstandingConfig({ AI_PROVIDER: "openai-compatible", AI_MODEL: "m" }), { tenantId })).toThrow(/AI_BASE_URL/);
    expect(() => loadUnderstandingConfig({ AI_PROVIDER: "magic" })).toThrow(/AI_PROVIDER/);
    const viaBinding = selectAnnotator(loadUnderstandingConfig({ AI_PROVIDER: "workers-ai", AI_MODEL: "@cf/test/model" }), { tenantId, ai: d.binding() });
    expect((await viaBinding.understand(TEXT)).source).toBe("workers-ai");
    expect(d.requests[0]?.model).toBe("@cf/test/model");
    const viaHttp = selectAnnotator(
      loadUnderstandingConfig({ AI_PROVIDER: "openai-compatible", AI_BASE_URL: "http://ai.double/v1", AI_MODEL: "m", AI_TIMEOUT_MS: "100" }),
      { tenantId, fetch: d.fetch },
    );
    d.mode = "slow";
    expect((await viaHttp.understand(TEXT)).fallback_reason).toBe("openai-compatible timeout");
  });
});
