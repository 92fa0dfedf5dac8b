/**
 * What every provider adapter shares: one HTTP call with a timeout, and the line between failures worth
 * retrying and failures that never will succeed. The queue retries what throws a transient
 * ProviderError (with backoff, then dead-letters it); a permanent one marks the message failed at once.
 */
export type Provider = "whatsapp" | "telegram" | "twilio" | "mailgun";

export class ProviderError extends Error {
  constructor(
    readonly provider: Provider,
    readonly status: number | null,
    message: string,
    /** True when sending again cannot help (bad recipient, revoked token, policy): no retry. */
    readonly permanent: boolean,
  ) {
    super(message.slice(0, 500));
    this.name = "ProviderError";
  }
}

// Providers answer within seconds; the message row stays locked while we wait, so do not wait forever.
const TIMEOUT_MS = 15_000;

/** 429 and 5xx are the provider's own "try again later"; other 4xx describe the request. */
export const isTransientStatus = (status: number) => status === 429 || status >= 500;

export interface ProviderResponse {
  status: number;
  ok: boolean;
  body: unknown;
}

/**
 * POSTs to a provider. Network failures and timeouts are transient. The URL is never put in an error:
 * Telegram carries the bot token in its path.
 */
export async function postToProvider(provider: Provider, url: string, init: { headers: Record<string, string>; body: string | FormData }): Promise<ProviderResponse> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers: init.headers, body: init.body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const reason = err instanceof Error && err.name === "TimeoutError" ? "timed out" : "could not be reached";
    throw new ProviderError(provider, null, `${provider} API ${reason}`, false);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined; // an HTML error page from a proxy: the status alone decides
  }
  return { status: res.status, ok: res.ok, body };
}

export const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
