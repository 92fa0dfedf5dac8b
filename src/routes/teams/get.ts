import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { TeamSchema } from "../../services/teams/model";
import { getTeam } from "../../services/teams/teams";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/teams/{id}",
  operationId: "getTeam",
  tags: ["teams"],
  summary: "One team",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 200: { description: "The team", content: { "application/json": { schema: TeamSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await getTeam({ ctx: c.get("ctx"), input: c.req.valid("param") }), 200);
