import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { startCheckout } from "../../services/billing/checkout";
import { CheckoutInputSchema, RedirectSchema } from "../../services/billing/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { billingReturnUrl } from "./return-url";

export const route = createRoute({
  method: "post",
  path: "/v1/billing/checkout",
  operationId: "createCheckoutSession",
  tags: ["billing"],
  summary: "Subscribe to a plan (a Stripe Checkout URL) or change the current plan in place",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: CheckoutInputSchema } } } },
  responses: {
    200: { description: "Where to send the browser", content: { "application/json": { schema: RedirectSchema } } },
    ...protectedErrorResponses("CONFLICT", "VERSION_CONFLICT", "UNAVAILABLE"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await startCheckout({ ctx: c.get("ctx"), input: { plan: c.req.valid("json").plan, returnUrl: billingReturnUrl(c) } }), 200);
