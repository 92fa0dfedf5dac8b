import type { Context } from "hono";
import { AppError } from "../../lib/errors";
import type { AppEnv } from "../hono-env";

/**
 * Answers a flow the domain refuses with the contract's 422 body, `error.details: [{node, problem}]`.
 * The app-wide error body does not carry `details` yet; until it does, flow routes add them here.
 */
export async function answeringFlowProblems<T>(c: Context<AppEnv>, fn: () => Promise<T>): Promise<T | Response> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "FLOW_INVALID") throw err;
    const requestId = c.get("ctx")?.requestId ?? crypto.randomUUID();
    return c.json({ error: { code: err.code, message: err.message, request_id: requestId, details: err.details?.details ?? [] } }, 422);
  }
}
