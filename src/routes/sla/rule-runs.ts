import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { AUTOMATION_RUN_STATUSES } from "../../db/schema";
import { listAutomationRuns } from "../../services/automation/rules";
import { AutomationRunSchema } from "../../services/automation/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam, ListQuery } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/automation-rules/{id}/runs",
  operationId: "listAutomationRuns",
  tags: ["automation"],
  summary: "A rule's runs, newest first: which event, what each action did, or why it did not run",
  security: bearerSecurity,
  request: { params: IdParam, query: ListQuery.extend({ status: z.enum(AUTOMATION_RUN_STATUSES).optional() }) },
  responses: {
    200: { description: "A page of runs", content: { "application/json": { schema: z.object({ data: z.array(AutomationRunSchema), next_cursor: z.string().nullable() }).openapi("AutomationRunPage") } } },
    ...protectedErrorResponses("NOT_FOUND"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  return c.json(await listAutomationRuns({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, cursor: q.cursor, limit: q.limit, status: q.status ? [q.status] : undefined } }), 200);
};
