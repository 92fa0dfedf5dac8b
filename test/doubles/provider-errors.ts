// The error bodies each provider documents for the statuses a test can inject (outage, throttling,
// a request the provider refuses), so adapters are exercised against the real shapes.
import { randomBytes } from "node:crypto";

export type Provider = "whatsapp" | "telegram" | "twilio";

const twilioError = (status: number, code: number, message: string) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

function whatsapp(status: number) {
  const fbtrace_id = randomBytes(8).toString("base64url");
  // Graph API errors: act on `code`. 130429 is Cloud API throughput, 131000 "Something went wrong",
  // 131026 an undeliverable message (the recipient cannot receive it), 190 a dead access token.
  const [code, message, details] =
    status === 429
      ? [130429, "(#130429) Rate limit hit", "Cloud API message throughput has been reached."]
      : status >= 500
        ? [131000, "(#131000) Something went wrong", "Something went wrong."]
        : status === 401
          ? [190, "Invalid OAuth access token - Cannot parse access token", undefined]
          : [131026, "(#131026) Message undeliverable", "Unable to deliver message."];
  return { error: { message, type: "OAuthException", code, ...(details && { error_data: { messaging_product: "whatsapp", details } }), fbtrace_id } };
}

function telegram(status: number) {
  const description: Record<number, string> = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after 1",
  };
  return {
    ok: false,
    error_code: status,
    description: description[status] ?? (status >= 500 ? "Internal Server Error" : "Bad Request"),
    ...(status === 429 && { parameters: { retry_after: 1 } }),
  };
}

function twilio(status: number) {
  if (status === 429) return twilioError(429, 20429, "Too Many Requests");
  if (status >= 500) return twilioError(status, 20500, "An internal server error has occurred");
  if (status === 401) return twilioError(401, 20003, "Authenticate");
  return twilioError(status, 21211, "The 'To' number is not a valid phone number.");
}

export function failureBody(provider: Provider, status: number): unknown {
  return provider === "whatsapp" ? whatsapp(status) : provider === "telegram" ? telegram(status) : twilio(status);
}
