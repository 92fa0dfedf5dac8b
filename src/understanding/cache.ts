import type { AnnotationFields } from "./port.ts";

/**
 * Answer cache for provider calls (seed 003's llm_cache): the same text to the same model is asked once.
 * Pure logic over an injected store; the store is per workspace, so one tenant's answers never serve another.
 */

export interface AnnotationCacheStore {
  get(tenantId: string, key: string): Promise<AnnotationFields | undefined>;
  put(tenantId: string, key: string, value: AnnotationFields, ttlSeconds: number): Promise<void>;
}

export const DEFAULT_CACHE_TTL_S = 30 * 24 * 3600;

/** Whitespace and Unicode form do not change meaning; case and punctuation do (shouting, "!!!"). */
export function normalizeForCache(text: string): string {
  return text.normalize("NFC").replace(/\s+/g, " ").trim();
}

/**
 * sha256 over provider, model, the intents the model may choose from (a workspace that adds an intent
 * must not get answers computed without it) and the normalized text.
 */
export async function cacheKey(provider: string, model: string, text: string, intents: string[] = []): Promise<string> {
  const material = [provider, model, intents.join(","), normalizeForCache(text)].join("\u0000");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(material));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function memoryCacheStore(now: () => number = Date.now): AnnotationCacheStore & { entries: Map<string, { value: AnnotationFields; expires: number }> } {
  const entries = new Map<string, { value: AnnotationFields; expires: number }>();
  return {
    entries,
    get: async (tenantId, key) => {
      const e = entries.get(`${tenantId}:${key}`);
      return e && e.expires > now() ? e.value : undefined;
    },
    put: async (tenantId, key, value, ttl) => {
      entries.set(`${tenantId}:${key}`, { value, expires: now() + ttl * 1000 });
    },
  };
}
