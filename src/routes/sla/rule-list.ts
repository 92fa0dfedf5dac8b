import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { AUTOMATION_TRIGGERS } from "../../db/schema";
import { listAutomationRules } from "../../services/automation/rules";
import { AutomationRuleSchema } from "../../services/automation/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { ListQuery } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/automation-rules",
  operationId: "listAutomationRules",
  tags: ["automation"],
  summary: "List automation rules, newest first, optionally for one trigger",
  security: bearerSecurity,
  request: { query: ListQuery.extend({ trigger: z.enum(AUTOMATION_TRIGGERS).optional() }) },
  responses: {
    200: { description: "A page of rules", content: { "application/json": { schema: z.object({ data: z.array(AutomationRuleSchema), next_cursor: z.string().nullable() }).openapi("AutomationRulePage") } } },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await listAutomationRules({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
