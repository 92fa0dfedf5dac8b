import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { listFlowVersions } from "../../services/flows/flows";
import { FlowVersionSchema } from "../../services/flows/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/flows/{id}/versions",
  operationId: "listFlowVersions",
  tags: ["flows"],
  summary: "List a flow's versions, newest first",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: {
    200: { description: "The versions", content: { "application/json": { schema: z.object({ data: z.array(FlowVersionSchema) }).openapi("FlowVersionList") } } },
    ...protectedErrorResponses("NOT_FOUND"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await listFlowVersions({ ctx: c.get("ctx"), input: c.req.valid("param") }), 200);
