import { z } from "@hono/zod-openapi";
import { ERROR_STATUS, type ErrorCode } from "../lib/errors";

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]).openapi({ description: "Stable, machine-readable; branch on this, not on the message" }),
      message: z.string().openapi({ description: "For people; may change between releases" }),
      request_id: z.string().openapi({ description: "Also in the X-Request-Id header; quote it when reporting a problem" }),
      field: z.string().optional().openapi({ description: "The first offending input field (dotted path), when one is to blame" }),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().openapi({ description: "Every validation issue, not just the first" }),
      details: z.array(z.object({ node: z.string().nullable(), problem: z.string() })).optional().openapi({ description: "Per-object problems, e.g. each node of a flow that cannot be published" }),
    }),
  })
  .openapi("Error", { description: "The body of every 4xx and 5xx answer" });

export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: "Invalid input; `error.field` names the first offending field",
  401: "Missing, malformed, expired or revoked credentials",
  402: "The workspace's billing does not allow this (unpaid past the grace period, or a plan limit reached)",
  403: "Authenticated, but the role or key scope does not allow this, or the workspace is suspended",
  404: "No such object in this workspace (another workspace's objects are 404 too)",
  405: "Method not allowed here",
  409: "Conflict with the current state",
  413: "Request body too large",
  415: "Unsupported content type",
  422: "Well-formed but refused as a whole; `error.details` lists each problem with the node it is in",
  429: "Rate limited; retry after the number of seconds in Retry-After",
  500: "Unexpected failure; nothing internal is disclosed, quote the request id",
  503: "A service this call needs is not configured or not reachable; retry after Retry-After when it is given",
};

/**
 * One example body per code: what a client sees, and what the reference shows beside each status.
 * Exhaustive over the codes, so adding a code to ERROR_STATUS without an example does not compile.
 */
const EXAMPLES: Record<ErrorCode, { summary: string; message: string; field?: string }> = {
  VALIDATION_FAILED: { summary: "A field failed validation", message: "email: Invalid email address", field: "email" },
  BAD_REQUEST: { summary: "The request cannot be read", message: "Malformed JSON in request body" },
  UNAUTHORIZED: { summary: "No valid credentials", message: "Invalid or expired access token" },
  PAYMENT_REQUIRED: { summary: "Plan limit reached or payment overdue", message: "The Starter plan includes 3 channels; choose a larger plan on the billing page to add more" },
  FORBIDDEN: { summary: "Role or key scope too low", message: "Your role does not allow this" },
  TENANT_SUSPENDED: { summary: "The workspace is suspended", message: "This workspace is suspended" },
  NOT_FOUND: { summary: "Unknown, deleted or another workspace's object", message: "Contact not found" },
  METHOD_NOT_ALLOWED: { summary: "Method not allowed", message: "Method not allowed" },
  CONFLICT: { summary: "Conflicts with the current state", message: "This person is already a member or invited", field: "email" },
  EMAIL_TAKEN: { summary: "The email already has an account", message: "An account with this email already exists", field: "email" },
  VERSION_CONFLICT: { summary: "Changed since you read it (If-Match / version)", message: "Contact is at version 4, not 3", field: "version" },
  PAYLOAD_TOO_LARGE: { summary: "Body over the limit", message: "Request body must be at most 262144 bytes" },
  FLOW_INVALID: { summary: "The flow graph cannot be published", message: "The flow has 1 problem" },
  UNSUPPORTED_MEDIA_TYPE: { summary: "Content type not accepted", message: "Unsupported content type" },
  RATE_LIMITED: { summary: "Too many attempts", message: "Too many attempts; try again later" },
  INTERNAL: { summary: "Unexpected failure", message: "Something went wrong; quote the request id when reporting it" },
  UNAVAILABLE: { summary: "A dependency is not configured or not reachable", message: "The service is briefly unavailable; please retry" },
};

const CODES_BY_STATUS = new Map<number, ErrorCode[]>();
for (const [code, status] of Object.entries(ERROR_STATUS) as Array<[ErrorCode, number]>) {
  CODES_BY_STATUS.set(status, [...(CODES_BY_STATUS.get(status) ?? []), code]);
}

type ErrorResponse = {
  description: string;
  headers?: Record<string, { description: string; schema: { type: "integer" } }>;
  content: { "application/json": { schema: typeof ErrorBodySchema; examples: Record<string, { summary: string; value: unknown }> } };
};

/**
 * The OpenAPI error responses for the codes a route can answer with, each under the status the one
 * code→status map (ERROR_STATUS) gives it, the same map the error handler answers with. Each status
 * lists its codes and carries an example body per code (keyed by the code: tests read the declared
 * codes back from the document). A bare status stands for every code that has it; prefer codes.
 *
 * @example
 *   responses: { 202: {...}, ...protectedErrorResponses("NOT_FOUND", "PAYMENT_REQUIRED") }
 */
export function errorResponses(...declared: Array<ErrorCode | ErrorStatus>): Record<string, ErrorResponse> {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const d of declared) {
    const codes = typeof d === "number" ? (CODES_BY_STATUS.get(d) ?? []) : [d];
    for (const code of codes) {
      const status = ERROR_STATUS[code];
      byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
    }
  }
  const out: Record<string, ErrorResponse> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const codes = [...byStatus.get(status)!].sort();
    out[status] = {
      description: `${DESCRIPTIONS[status as ErrorStatus]}. \`error.code\`: ${codes.map((c) => `\`${c}\``).join(", ")}`,
      ...(status === 429 && { headers: { "Retry-After": { description: "Seconds to wait before trying again", schema: { type: "integer" } } } }),
      content: {
        "application/json": {
          schema: ErrorBodySchema,
          examples: Object.fromEntries(
            codes.map((code) => {
              const e = EXAMPLES[code];
              return [code, { summary: e.summary, value: { error: { code, message: e.message, request_id: "5f0c6b7e-8a41-4c1e-9d1a-2f3b4c5d6e7f", ...(e.field && { field: e.field }) } } }];
            }),
          ),
        },
      },
    };
  }
  return out;
}

/**
 * What every route behind `authenticate` can answer before its handler runs: no or bad credentials,
 * a role or key scope that does not allow it, a suspended workspace, and input the edge refuses (text
 * Postgres cannot store) or validation rejects, and the database being briefly unreachable (503 with
 * Retry-After, from the error handler). An oversized body (413) is added to every operation that takes
 * one when the document is built (src/openapi.ts).
 */
export const AUTHENTICATED_ERRORS = ["UNAUTHORIZED", "FORBIDDEN", "TENANT_SUSPENDED", "VALIDATION_FAILED", "UNAVAILABLE"] as const satisfies readonly ErrorCode[];

/** The authenticated route's responses plus the codes its own handler and service can throw. */
export function protectedErrorResponses(...codes: ErrorCode[]) {
  return errorResponses(...AUTHENTICATED_ERRORS, ...codes);
}

/**
 * @deprecated Declare the codes instead: `protectedErrorResponses("NOT_FOUND", ...)`. Kept so routes
 * written against it still compile; it claims NOT_FOUND whether or not the route can answer it.
 */
export const protectedErrors = protectedErrorResponses("NOT_FOUND");

/** Routes behind `authenticate`: a bearer access token or API key. */
export const bearerSecurity = [{ bearer: [] }];
/** Routes anyone may call (sign-up, log-in, webhooks verified by their own signature, ...). */
export const publicSecurity: Array<Record<string, string[]>> = [];
