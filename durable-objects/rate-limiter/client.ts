import type { Env } from "../../src/env";
import { AppError } from "../../src/lib/errors";

const limiter = (env: Env, key: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
const limited = (retryAfter: number) => new AppError("RATE_LIMITED", "Too many attempts; try again later", { retryAfter });

/** Counts one attempt against `key`; throws RATE_LIMITED (429, with Retry-After) when over the limit. */
export async function consumeRateLimit(env: Env, key: string, limit: number, windowSeconds: number): Promise<void> {
  const result = await limiter(env, key).hit(limit, windowSeconds);
  if (!result.allowed) throw limited(result.retryAfter);
}

/** Throws RATE_LIMITED when `key` has used up its window, without counting this call. */
export async function assertRateLimitRoom(env: Env, key: string, limit: number, windowSeconds: number): Promise<void> {
  const result = await limiter(env, key).peek(limit, windowSeconds);
  if (!result.allowed) throw limited(result.retryAfter);
}

/** Counts one failure against `key` (see assertRateLimitRoom); never throws for being over. */
export async function countRateLimitFailure(env: Env, key: string, limit: number, windowSeconds: number): Promise<void> {
  await limiter(env, key).hit(limit, windowSeconds);
}

/** True the first time `key` is claimed within `ttlSeconds`, false after: for one-time values (solved challenges). */
export async function claimOnce(env: Env, key: string, ttlSeconds: number): Promise<boolean> {
  return (await limiter(env, key).hit(1, ttlSeconds)).allowed;
}

/** The window's standing for `key`, counting nothing (for limits read to decide a slow-down). */
export async function peekRateLimit(env: Env, key: string, limit: number, windowSeconds: number) {
  return limiter(env, key).peek(limit, windowSeconds);
}
