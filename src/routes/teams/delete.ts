import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { deleteTeam } from "../../services/teams/teams";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "delete",
  path: "/v1/teams/{id}",
  operationId: "deleteTeam",
  tags: ["teams"],
  summary: "Delete a team (its conversations leave it; waiting ones return to the unassigned view)",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  await deleteTeam({ ctx: c.get("ctx"), input: c.req.valid("param") });
  return c.body(null, 204);
};
