import { type BudgetStore, checkBudget, costCents, estimateTokens, type ModelPrice, recordSpend } from "./budget.ts";
import { type AnnotationCacheStore, cacheKey, DEFAULT_CACHE_TTL_S } from "./cache.ts";
import { type ModelClient, ProviderError } from "./model-client.ts";
import { understandOffline } from "./offline/annotator.ts";
import { type Annotations, type Annotator, intentsFor, type UnderstandHints } from "./port.ts";

/** One metered provider call, for the `ai.call` usage event (the caller writes it to the outbox). */
export interface AiCallUsage {
  type: "ai.call";
  tenantId: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costCents: number;
  at: string;
}

export interface GuardOptions {
  tenantId: string;
  timeoutMs?: number;
  price?: ModelPrice;
  budget?: BudgetStore;
  cache?: AnnotationCacheStore;
  cacheTtlSeconds?: number;
  /** Called once per provider call that was made (cache hits and skipped calls are not calls). Errors here are logged, not thrown. */
  onUsage?: (usage: AiCallUsage) => void | Promise<void>;
  onError?: (reason: string, error: unknown) => void;
  now?: () => Date;
}

export const DEFAULT_TIMEOUT_MS = 2500;
/** Unknown price: count each call as a hundredth of a cent rather than as free, so a budget still bites. */
const FALLBACK_PRICE: ModelPrice = { inputCentsPerMTok: 10, outputCentsPerMTok: 10 };

/**
 * A model client wrapped so annotation never fails and never blocks: cache first, then the budget, then
 * the call under a timeout; any failure, timeout, invalid answer or exhausted budget answers with the
 * offline annotator and says why in `source` ("local (fallback: workers-ai timeout)") and `fallback_reason`.
 */
export function guardedAnnotator(client: ModelClient, options: GuardOptions): Annotator {
  const now = options.now ?? (() => new Date());
  const price = options.price ?? FALLBACK_PRICE;
  const fallback = async (text: string, hints: UnderstandHints | undefined, reason: string): Promise<Annotations> => {
    const local = await understandOffline(text, hints);
    const why = `${client.provider} ${reason}`;
    return { ...local, source: `local (fallback: ${why})`, fallback_reason: why };
  };
  return {
    name: client.provider,
    async understand(text, hints) {
      const key = options.cache ? await cacheKey(client.provider, client.model, text, intentsFor(hints)) : undefined;
      if (options.cache && key) {
        try {
          const hit = await options.cache.get(options.tenantId, key);
          if (hit) return { ...hit, source: client.provider };
        } catch (e) {
          options.onError?.("cache read failed", e);
        }
      }
      const at = now();
      if (options.budget) {
        const estimate = costCents(price, { inputTokens: estimateTokens(text), outputTokens: 150 });
        try {
          const decision = await checkBudget(options.budget, options.tenantId, at, estimate);
          if (!decision.allowed) return fallback(text, hints, decision.reason);
        } catch (e) {
          options.onError?.("budget check failed", e);
          return fallback(text, hints, "budget unavailable");
        }
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      let result: Awaited<ReturnType<ModelClient["annotate"]>>;
      try {
        result = await client.annotate(text, hints, controller.signal);
      } catch (e) {
        const reason = controller.signal.aborted ? "timeout" : e instanceof ProviderError ? e.reason : "error";
        options.onError?.(reason, e);
        // A failed call after the request left may still be billed by the provider: meter what was sent.
        await settle(options, client, at, { inputTokens: reason === "unreachable" ? 0 : estimateTokens(text), outputTokens: 0 }, price);
        return fallback(text, hints, reason);
      } finally {
        clearTimeout(timer);
      }
      await settle(options, client, at, result.usage, price);
      if (options.cache && key) {
        try {
          await options.cache.put(options.tenantId, key, result.fields, options.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_S);
        } catch (e) {
          options.onError?.("cache write failed", e);
        }
      }
      return { ...result.fields, source: client.provider };
    },
  };
}

async function settle(options: GuardOptions, client: ModelClient, at: Date, usage: { inputTokens: number; outputTokens: number }, price: ModelPrice) {
  if (usage.inputTokens === 0 && usage.outputTokens === 0) return;
  const cents = costCents(price, usage);
  try {
    if (options.budget) await recordSpend(options.budget, options.tenantId, at, cents);
    await options.onUsage?.({ type: "ai.call", tenantId: options.tenantId, provider: client.provider, model: client.model, ...usage, costCents: cents, at: at.toISOString() });
  } catch (e) {
    options.onError?.("usage record failed", e);
  }
}
