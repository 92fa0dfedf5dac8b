import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { listFlows } from "../../services/flows/flows";
import { FlowSummarySchema } from "../../services/flows/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { ListQuery } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/flows",
  operationId: "listFlows",
  tags: ["flows"],
  summary: "List bot flows, newest first",
  security: bearerSecurity,
  request: { query: ListQuery },
  responses: {
    200: {
      description: "A page of flows",
      content: { "application/json": { schema: z.object({ data: z.array(FlowSummarySchema), next_cursor: z.string().nullable() }).openapi("FlowPage") } },
    },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await listFlows({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
