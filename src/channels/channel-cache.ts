import { isDatabaseUnavailable } from "../db/failures";
import { setBounded } from "../lib/bounded-map";
import type { WebhookChannel } from "../services/channels/lookup";

/**
 * Per-isolate cache of webhook channels (with decrypted credentials, in memory only), so the hot path
 * acknowledges a delivery without a Postgres round trip: verification needs only the secret, and
 * durability comes from the thread object. The price is staleness: disabling a channel or rotating a
 * secret takes up to the TTL to reach every isolate (CHANNEL_CACHE_TTL_MS, default 30 s; 0 disables).
 *
 * While Postgres is unreachable, an expired entry is still served (for up to STALE_IF_UNAVAILABLE_MS):
 * the delivery it verifies is held durably by its thread object, which needs no Postgres to accept it,
 * so an outage does not turn a known channel's webhooks into errors the moment its entry expires.
 */
const cache = new Map<string, { channel: WebhookChannel; expires: number }>();
const MAX_ENTRIES = 5000;
const STALE_IF_UNAVAILABLE_MS = 15 * 60 * 1000;

export async function cachedChannel(key: string, ttlMs: number, load: () => Promise<WebhookChannel | undefined>): Promise<WebhookChannel | undefined> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.channel;
  let channel: WebhookChannel | undefined;
  try {
    channel = await load();
  } catch (err) {
    if (hit && now - hit.expires < STALE_IF_UNAVAILABLE_MS && isDatabaseUnavailable(err)) return hit.channel;
    throw err;
  }
  if (channel && ttlMs > 0) {
    setBounded(cache, key, { channel, expires: now + ttlMs }, MAX_ENTRIES);
  } else {
    cache.delete(key);
  }
  return channel;
}

/** Drops a channel at once in this isolate (the one that changed it); others catch up within the TTL. */
export function forgetChannel(tenantId: string, channelId: string): void {
  cache.delete(`${tenantId}:${channelId}`);
}
