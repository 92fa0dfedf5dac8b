import type { Context } from "hono";
import type { AppEnv } from "../hono-env";

/** Where Stripe sends the customer back: the billing page on the configured public origin (else this one). */
export function billingReturnUrl(c: Context<AppEnv>): string {
  const origin = c.get("ctx").config.PUBLIC_URL ?? new URL(c.req.url).origin;
  return `${origin.replace(/\/$/, "")}/app/billing`;
}
