import Stripe from "stripe";
import type { AppConfig } from "../../env";
import { AppError } from "../../lib/errors";

export type { Stripe };

/**
 * The Stripe SDK configured for workerd: fetch for HTTP (no Node `http`), SubtleCrypto for webhook
 * signatures. STRIPE_API_HOST/PORT/PROTOCOL point it elsewhere (the local double in tests and
 * `npm run dev`); unset, it talks to api.stripe.com. The SDK pins its own API version, which the
 * webhook endpoint in the Dashboard must use too, so event payloads match the types used here.
 */
export function stripeClient(config: AppConfig, apiKey?: string): Stripe {
  const key = apiKey ?? config.STRIPE_SECRET_KEY;
  if (!key) throw notConfigured();
  return new Stripe(key, {
    httpClient: Stripe.createFetchHttpClient(),
    ...(config.STRIPE_API_HOST && { host: config.STRIPE_API_HOST }),
    ...(config.STRIPE_API_PORT && { port: config.STRIPE_API_PORT }),
    ...(config.STRIPE_API_PROTOCOL && { protocol: config.STRIPE_API_PROTOCOL }),
    // One quick retry inside a call (idempotency keys make it safe); the queue and Stripe's own
    // webhook redelivery are the real retry layers, with backoff measured in seconds to hours.
    maxNetworkRetries: 1,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: "Parley" },
  });
}

export const webhookCrypto = Stripe.createSubtleCryptoProvider();

/**
 * Where a billing form post may be redirected (CSP form-action also governs redirects after a submit):
 * Stripe's hosted Checkout and customer portal, plus the configured API origin (the local double).
 */
export function stripeRedirectOrigins(config?: AppConfig): string {
  const origins = ["https://checkout.stripe.com", "https://billing.stripe.com"];
  if (config?.STRIPE_API_HOST) origins.push(`${config.STRIPE_API_PROTOCOL ?? "https"}://${config.STRIPE_API_HOST}${config.STRIPE_API_PORT ? `:${config.STRIPE_API_PORT}` : ""}`);
  return origins.join(" ");
}

export function notConfigured(): AppError {
  return new AppError("UNAVAILABLE", "Billing is not configured on this server: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (see the README, Billing and Stripe)");
}

/** Stripe failures reach users as 503 with a safe message; details go to the log only. */
export function stripeUnavailable(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Stripe.errors.StripeError ? `${err.type}: ${err.message}` : String(err);
  return Object.assign(new AppError("UNAVAILABLE", "Stripe could not be reached or refused the request; try again shortly"), { cause: message });
}

/** Resolves catalog lookup keys to Stripe price ids in one call; a missing key is a setup error, named. */
export async function pricesByLookupKey(stripe: Stripe, lookupKeys: string[]): Promise<Map<string, Stripe.Price>> {
  const list = await stripe.prices.list({ lookup_keys: lookupKeys, active: true, limit: 100 });
  const found = new Map(list.data.filter((p) => p.lookup_key).map((p) => [p.lookup_key!, p]));
  const missing = lookupKeys.filter((k) => !found.has(k));
  if (missing.length) throw new AppError("UNAVAILABLE", `Stripe has no active price with lookup key ${missing.join(", ")}; create it (README, Billing and Stripe)`);
  return found;
}
