import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { AppError } from "../../lib/errors";
import { handleStripeWebhook } from "../../services/billing/webhook";
import { errorResponses, publicSecurity } from "../errors";
import type { AppEnv } from "../hono-env";

/** Stripe event payloads are a few kilobytes; anything near this is not from Stripe. */
const MAX_BODY_BYTES = 512 * 1024;

const ReceiptSchema = z
  .object({ received: z.literal(true), ignored: z.string().optional().openapi({ description: "Why nothing changed: duplicate, event type not used, ..." }) })
  .openapi("StripeWebhookReceipt");

export const route = createRoute({
  method: "post",
  path: "/hooks/stripe",
  operationId: "receiveStripeWebhook",
  security: publicSecurity,
  tags: ["billing"],
  summary: "Stripe webhook endpoint (Stripe-Signature verified); 200 once handled or already handled",
  request: { headers: z.object({ "stripe-signature": z.string().optional() }) },
  responses: {
    200: { description: "Handled, or already handled before", content: { "application/json": { schema: ReceiptSchema } } },
    ...errorResponses("BAD_REQUEST", "PAYLOAD_TOO_LARGE", "UNAVAILABLE"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "Webhook body too large");
  // The signature covers the exact bytes Stripe sent: read the raw text, never re-serialized JSON.
  const payload = await c.req.text();
  if (payload.length > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "Webhook body too large");
  return c.json(await handleStripeWebhook({ ctx: c.get("ctx"), input: { payload, signature: c.req.header("stripe-signature") } }), 200);
};
