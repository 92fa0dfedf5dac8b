import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { deleteSlaPolicy } from "../../services/sla/policies";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "delete",
  path: "/v1/sla-policies/{id}",
  operationId: "deleteSlaPolicy",
  tags: ["sla"],
  summary: "Delete an SLA policy; its open conversations move to the next matching policy (or none)",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  await deleteSlaPolicy({ ctx: c.get("ctx"), input: c.req.valid("param") });
  return c.body(null, 204);
};
