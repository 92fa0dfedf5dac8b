import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { deleteAutomationRule } from "../../services/automation/rules";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "delete",
  path: "/v1/automation-rules/{id}",
  operationId: "deleteAutomationRule",
  tags: ["automation"],
  summary: "Delete an automation rule and its run log",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  await deleteAutomationRule({ ctx: c.get("ctx"), input: c.req.valid("param") });
  return c.body(null, 204);
};
