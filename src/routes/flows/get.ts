import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { getFlow } from "../../services/flows/flows";
import { FlowSchema } from "../../services/flows/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/flows/{id}",
  operationId: "getFlow",
  tags: ["flows"],
  summary: "Get a flow with its latest version's definition (or the version asked for)",
  security: bearerSecurity,
  request: { params: IdParam, query: z.object({ version: z.coerce.number().int().min(1).optional() }) },
  responses: { 200: { description: "The flow", content: { "application/json": { schema: FlowSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await getFlow({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, version: c.req.valid("query").version } }), 200);
