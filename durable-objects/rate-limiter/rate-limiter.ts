import { DurableObject } from "cloudflare:workers";

interface Window {
  start: number;
  count: number;
}

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfter: number;
}

/**
 * One object per limited key (e.g. `login:ip:192.0.2.1`): the single writer that makes a counter
 * exact under concurrent requests from many isolates. Fixed window, persisted so an eviction does not
 * reset it; an alarm deletes the state once the window has passed.
 */
export class RateLimiter extends DurableObject {
  /** Counts one attempt, unless the window is already full. */
  async hit(limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const { w, fresh } = await this.window(windowSeconds);
    const retryAfter = this.retryAfter(w, windowSeconds);
    if (w.count >= limit) return { allowed: false, remaining: 0, retryAfter };
    w.count += 1;
    await this.ctx.storage.put("w", w);
    if (fresh) await this.ctx.storage.setAlarm(w.start + windowSeconds * 1000);
    return { allowed: true, remaining: limit - w.count, retryAfter };
  }

  /**
   * Whether the window still has room, counting nothing: for limits on failures (wrong secrets), which
   * are looked at before the check and counted only when the check fails.
   */
  async peek(limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const w = await this.ctx.storage.get<Window>("w");
    const now = Date.now();
    if (!w || now - w.start >= windowSeconds * 1000) return { allowed: true, remaining: limit, retryAfter: 0 };
    return { allowed: w.count < limit, remaining: Math.max(0, limit - w.count), retryAfter: this.retryAfter(w, windowSeconds) };
  }

  private async window(windowSeconds: number): Promise<{ w: Window; fresh: boolean }> {
    const now = Date.now();
    const w = await this.ctx.storage.get<Window>("w");
    if (w && now - w.start < windowSeconds * 1000) return { w, fresh: false };
    return { w: { start: now, count: 0 }, fresh: true };
  }

  private retryAfter(w: Window, windowSeconds: number): number {
    return Math.max(1, Math.ceil((w.start + windowSeconds * 1000 - Date.now()) / 1000));
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
