import { z } from "zod";
import type { BudgetStore } from "./budget.ts";
import type { AnnotationCacheStore } from "./cache.ts";
import { type AiCallUsage, guardedAnnotator } from "./guarded.ts";
import { offlineAnnotator } from "./offline/annotator.ts";
import { openAiCompatibleClient } from "./openai-compatible.ts";
import type { Annotator } from "./port.ts";
import { type AiBinding, DEFAULT_WORKERS_AI_MODEL, workersAiClient } from "./workers-ai.ts";

/**
 * Which annotator runs, from Worker configuration (checked with zod once, like src/env.ts):
 *   AI_PROVIDER        local (default) | workers-ai (needs the `AI` binding) | openai-compatible
 *   AI_MODEL           model id; Workers AI defaults to a small Llama instruct model
 *   AI_BASE_URL        openai-compatible only, e.g. https://api.example.com/v1
 *   AI_API_KEY         openai-compatible only (a secret)
 *   AI_TIMEOUT_MS      per call, default 2500; on expiry the offline annotator answers
 *   AI_PRICE_INPUT_CENTS_PER_MTOK / AI_PRICE_OUTPUT_CENTS_PER_MTOK   for the budget
 * A misconfigured provider (workers-ai without the binding, openai-compatible without a URL) is a start-up
 * error, not a silent fallback: an operator who asked for a model should learn it is not running.
 */
export const understandingConfigSchema = z.object({
  AI_PROVIDER: z.enum(["local", "workers-ai", "openai-compatible"]).default("local"),
  AI_MODEL: z.string().min(1).optional(),
  AI_BASE_URL: z.string().url().optional(),
  AI_API_KEY: z.string().min(1).optional(),
  AI_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(2500),
  AI_PRICE_INPUT_CENTS_PER_MTOK: z.coerce.number().min(0).optional(),
  AI_PRICE_OUTPUT_CENTS_PER_MTOK: z.coerce.number().min(0).optional(),
});
export type UnderstandingConfig = z.infer<typeof understandingConfigSchema>;

export function loadUnderstandingConfig(env: Record<string, unknown>): UnderstandingConfig {
  const parsed = understandingConfigSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid AI configuration: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  return parsed.data;
}

export interface SelectDeps {
  tenantId: string;
  /** The Workers AI binding (`env.AI`), when configured. */
  ai?: AiBinding;
  budget?: BudgetStore;
  cache?: AnnotationCacheStore;
  onUsage?: (usage: AiCallUsage) => void | Promise<void>;
  onError?: (reason: string, error: unknown) => void;
  fetch?: typeof fetch;
}

export function selectAnnotator(config: UnderstandingConfig, deps: SelectDeps): Annotator {
  if (config.AI_PROVIDER === "local") return offlineAnnotator;
  const price =
    config.AI_PRICE_INPUT_CENTS_PER_MTOK !== undefined || config.AI_PRICE_OUTPUT_CENTS_PER_MTOK !== undefined
      ? { inputCentsPerMTok: config.AI_PRICE_INPUT_CENTS_PER_MTOK ?? 0, outputCentsPerMTok: config.AI_PRICE_OUTPUT_CENTS_PER_MTOK ?? 0 }
      : undefined;
  const guard = { tenantId: deps.tenantId, timeoutMs: config.AI_TIMEOUT_MS, price, budget: deps.budget, cache: deps.cache, onUsage: deps.onUsage, onError: deps.onError };
  if (config.AI_PROVIDER === "workers-ai") {
    if (!deps.ai || typeof deps.ai.run !== "function") throw new Error("AI_PROVIDER=workers-ai needs the AI binding in wrangler.toml");
    return guardedAnnotator(workersAiClient(deps.ai, config.AI_MODEL ?? DEFAULT_WORKERS_AI_MODEL), guard);
  }
  if (!config.AI_BASE_URL || !config.AI_MODEL) throw new Error("AI_PROVIDER=openai-compatible needs AI_BASE_URL and AI_MODEL");
  return guardedAnnotator(openAiCompatibleClient({ baseUrl: config.AI_BASE_URL, apiKey: config.AI_API_KEY, model: config.AI_MODEL, fetch: deps.fetch }), guard);
}
