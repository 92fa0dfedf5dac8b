import { DurableObject } from "cloudflare:workers";

interface Window {
  start: number;
  count: number;
}

/**
 * One object per limited key (e.g. `login:email:ann@example.com`): the single writer that makes a
 * counter exact under concurrent requests from many isolates. Fixed window, persisted so an eviction
 * does not reset it; an alarm deletes the state once the window has passed.
 */
export class RateLimiter extends DurableObject {
  async hit(limit: number, windowSeconds: number): Promise<{ allowed: boolean; remaining: number; retryAfter: number }> {
    const now = Date.now();
    const windowMs = windowSeconds * 1000;
    let w = await this.ctx.storage.get<Window>("w");
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      await this.ctx.storage.setAlarm(now + windowMs);
    }
    const retryAfter = Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
    if (w.count >= limit) return { allowed: false, remaining: 0, retryAfter };
    w.count += 1;
    await this.ctx.storage.put("w", w);
    return { allowed: true, remaining: limit - w.count, retryAfter };
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
