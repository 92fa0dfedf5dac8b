import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { listSlaPolicies } from "../../services/sla/policies";
import { SlaPolicySchema } from "../../services/sla/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { ListQuery } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/sla-policies",
  operationId: "listSlaPolicies",
  tags: ["sla"],
  summary: "List SLA policies, newest first",
  security: bearerSecurity,
  request: { query: ListQuery },
  responses: {
    200: { description: "A page of policies", content: { "application/json": { schema: z.object({ data: z.array(SlaPolicySchema), next_cursor: z.string().nullable() }).openapi("SlaPolicyPage") } } },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await listSlaPolicies({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
