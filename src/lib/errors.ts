import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every error the API can answer with; the map below is the one place a code gets its status. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  TENANT_SUSPENDED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  VERSION_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** Well-formed input the domain refuses as a whole, e.g. a flow graph that cannot be published. */
  FLOW_INVALID: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: {
      field?: string;
      retryAfter?: number;
      issues?: Array<{ path: string; message: string }>;
      /** Per-object problems the client can show in place (a flow's `[{node, problem}]`). */
      details?: Array<{ node: string | null; problem: string }>;
    },
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const unauthorized = (message = "Missing or invalid credentials") => new AppError("UNAUTHORIZED", message);
export const forbidden = (message = "Your role does not allow this") => new AppError("FORBIDDEN", message);

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    request_id: string;
    field?: string;
    issues?: Array<{ path: string; message: string }>;
    details?: Array<{ node: string | null; problem: string }>;
  };
}
