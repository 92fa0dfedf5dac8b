import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { getAutomationRule } from "../../services/automation/rules";
import { AutomationRuleSchema } from "../../services/automation/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/automation-rules/{id}",
  operationId: "getAutomationRule",
  tags: ["automation"],
  summary: "Get an automation rule",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 200: { description: "The rule", content: { "application/json": { schema: AutomationRuleSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await getAutomationRule({ ctx: c.get("ctx"), input: c.req.valid("param") }), 200);
