import type { Env } from "../../src/env";
import { AppError } from "../../src/lib/errors";

/** Counts one attempt against `key`; throws RATE_LIMITED (429, with Retry-After) when over the limit. */
export async function consumeRateLimit(env: Env, key: string, limit: number, windowSeconds: number): Promise<void> {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
  const result = await stub.hit(limit, windowSeconds);
  if (!result.allowed) {
    throw new AppError("RATE_LIMITED", "Too many attempts; try again later", { retryAfter: result.retryAfter });
  }
}
