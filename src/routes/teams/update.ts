import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { TeamPatch, TeamSchema } from "../../services/teams/model";
import { updateTeam } from "../../services/teams/teams";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "patch",
  path: "/v1/teams/{id}",
  operationId: "updateTeam",
  tags: ["teams"],
  summary: "Change a team; `member_ids` replaces the member list",
  security: bearerSecurity,
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: TeamPatch.openapi("TeamPatch") } } } },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: TeamSchema } } }, ...protectedErrorResponses("NOT_FOUND", "CONFLICT", "VERSION_CONFLICT") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await updateTeam({ ctx: c.get("ctx"), input: { ...c.req.valid("json"), id: c.req.valid("param").id } }), 200);
