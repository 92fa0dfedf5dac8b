import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { getSlaPolicy } from "../../services/sla/policies";
import { SlaPolicySchema } from "../../services/sla/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/sla-policies/{id}",
  operationId: "getSlaPolicy",
  tags: ["sla"],
  summary: "Get an SLA policy",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 200: { description: "The policy", content: { "application/json": { schema: SlaPolicySchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await getSlaPolicy({ ctx: c.get("ctx"), input: c.req.valid("param") }), 200);
