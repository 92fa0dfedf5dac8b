import { describe, expect, it, vi } from "vitest";
import type { WebhookChannel } from "../services/channels/lookup";
import { cachedChannel } from "./channel-cache";

const channel = { id: "c", tenantId: "t", type: "api", name: "n", config: {}, credentials: null, debounceMs: 0, maxWaitMs: 0, status: "active" } as WebhookChannel;
const down = () => Promise.reject(new Error("Failed query", { cause: new Error("Error connecting to database: TypeError: Network connection lost.") }));

describe("cachedChannel", () => {
  it("serves an expired entry while Postgres is unreachable, and only then", async () => {
    vi.useFakeTimers();
    try {
      const key = `t:${crypto.randomUUID()}`;
      expect(await cachedChannel(key, 1000, async () => channel)).toBe(channel);
      vi.advanceTimersByTime(2000);
      // Expired, and the database is down: the channel seen a moment ago still verifies its webhooks.
      expect(await cachedChannel(key, 1000, down)).toBe(channel);
      // A refusal or a bug is not an outage: it surfaces.
      await expect(cachedChannel(key, 1000, () => Promise.reject(new TypeError("x is undefined")))).rejects.toThrow(TypeError);
      // Long past its time, even an outage does not keep it.
      vi.advanceTimersByTime(60 * 60 * 1000);
      await expect(cachedChannel(key, 1000, down)).rejects.toThrow("Failed query");
      // Never seen: nothing to serve.
      await expect(cachedChannel(`t:${crypto.randomUUID()}`, 1000, down)).rejects.toThrow("Failed query");
    } finally {
      vi.useRealTimers();
    }
  });
});
