import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { createAutomationRule } from "../../services/automation/rules";
import { AutomationRuleInput, AutomationRuleSchema } from "../../services/automation/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "post",
  path: "/v1/automation-rules",
  operationId: "createAutomationRule",
  tags: ["automation"],
  summary: "Create an automation rule: a trigger, conditions in the flows' condition language, ordered actions, priority, stop-processing and a cooldown",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: AutomationRuleInput.openapi("AutomationRuleInput") } } } },
  responses: { 201: { description: "Created; the answer carries the webhook signing secret once", content: { "application/json": { schema: AutomationRuleSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await createAutomationRule({ ctx: c.get("ctx"), input: c.req.valid("json") }), 201);
