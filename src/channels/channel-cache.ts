import type { WebhookChannel } from "../services/channels/lookup";

/**
 * Per-isolate cache of webhook channels (with decrypted credentials, in memory only), so the hot path
 * acknowledges a delivery without a Postgres round trip: verification needs only the secret, and
 * durability comes from the thread object. The price is staleness: disabling a channel or rotating a
 * secret takes up to the TTL to reach every isolate (CHANNEL_CACHE_TTL_MS, default 30 s; 0 disables).
 */
const cache = new Map<string, { channel: WebhookChannel; expires: number }>();
const MAX_ENTRIES = 5000;

export async function cachedChannel(key: string, ttlMs: number, load: () => Promise<WebhookChannel | undefined>): Promise<WebhookChannel | undefined> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.channel;
  const channel = await load();
  if (channel && ttlMs > 0) {
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(key, { channel, expires: now + ttlMs });
  } else {
    cache.delete(key);
  }
  return channel;
}

/** Drops a channel at once in this isolate (the one that changed it); others catch up within the TTL. */
export function forgetChannel(tenantId: string, channelId: string): void {
  cache.delete(`${tenantId}:${channelId}`);
}
