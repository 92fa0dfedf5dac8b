import { z } from "@hono/zod-openapi";
import { ERROR_STATUS, type ErrorCode } from "../lib/errors";

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      request_id: z.string(),
      field: z.string().optional(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      details: z.array(z.object({ node: z.string().nullable(), problem: z.string() })).optional(),
    }),
  })
  .openapi("Error");

const DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input; `error.field` names the first offending field",
  401: "Missing, malformed, expired or revoked credentials",
  402: "The workspace's billing does not allow this (unpaid past the grace period, or a plan limit reached)",
  403: "Authenticated, but the role or key scope does not allow this, or the workspace is suspended",
  404: "No such object in this workspace (another workspace's objects are 404 too)",
  409: "Conflict with the current state",
  413: "Request body too large",
  422: "Well-formed but refused as a whole; `error.details` lists each problem with the node it is in",
  429: "Rate limited; see Retry-After",
  503: "A service this call needs is not configured or not reachable",
};

/** OpenAPI error responses generated from the same code→status map the error handler uses. */
export function errorResponses(...statuses: Array<400 | 401 | 402 | 403 | 404 | 409 | 413 | 422 | 429 | 503>) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: DESCRIPTIONS[s]!, content: { "application/json": { schema: ErrorBodySchema } } }]),
  );
}

export const protectedErrors = errorResponses(400, 401, 403, 404, 429);
export const bearerSecurity = [{ bearer: [] }];
