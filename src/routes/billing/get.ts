import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { BillingSchema } from "../../services/billing/model";
import { getBilling } from "../../services/billing/overview";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "get",
  path: "/v1/billing",
  operationId: "getBilling",
  tags: ["billing"],
  summary: "Plan, status, period, usage against limits, and invoices (owner or billing admin)",
  security: bearerSecurity,
  responses: { 200: { description: "The workspace's billing", content: { "application/json": { schema: BillingSchema } } }, ...protectedErrorResponses() },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await getBilling({ ctx: c.get("ctx") }), 200);
