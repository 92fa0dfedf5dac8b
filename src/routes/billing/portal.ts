import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { RedirectSchema } from "../../services/billing/model";
import { openPortal } from "../../services/billing/portal";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { billingReturnUrl } from "./return-url";

export const route = createRoute({
  method: "post",
  path: "/v1/billing/portal",
  operationId: "createPortalSession",
  tags: ["billing"],
  summary: "Open the Stripe customer portal: payment methods, invoices, cancellation",
  security: bearerSecurity,
  responses: { 200: { description: "Where to send the browser", content: { "application/json": { schema: RedirectSchema } } }, ...protectedErrorResponses("UNAVAILABLE") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await openPortal({ ctx: c.get("ctx"), input: { returnUrl: billingReturnUrl(c) } }), 200);
