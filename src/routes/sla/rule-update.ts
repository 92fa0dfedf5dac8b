import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { updateAutomationRule } from "../../services/automation/rules";
import { AutomationRulePatch, AutomationRuleSchema } from "../../services/automation/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { expectedVersion, IdParam } from "../schemas";

export const route = createRoute({
  method: "patch",
  path: "/v1/automation-rules/{id}",
  operationId: "updateAutomationRule",
  tags: ["automation"],
  summary: "Change an automation rule (enable, disable, reorder, edit)",
  security: bearerSecurity,
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: AutomationRulePatch.openapi("AutomationRulePatch") } } } },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: AutomationRuleSchema } } }, ...protectedErrorResponses("NOT_FOUND", "VERSION_CONFLICT") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const version = expectedVersion(c.req.header("if-match"), body.version, "rule");
  return c.json(await updateAutomationRule({ ctx: c.get("ctx"), input: { ...body, version, id: c.req.valid("param").id } }), 200);
};
