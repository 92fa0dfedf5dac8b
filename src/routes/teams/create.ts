import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { TeamInput, TeamSchema } from "../../services/teams/model";
import { createTeam } from "../../services/teams/teams";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "post",
  path: "/v1/teams",
  operationId: "createTeam",
  tags: ["teams"],
  summary: "Create a team with its routing mode, default skills, escalation team and members",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: TeamInput.openapi("TeamInput") } } } },
  responses: { 201: { description: "Created", content: { "application/json": { schema: TeamSchema } } }, ...protectedErrorResponses("NOT_FOUND", "CONFLICT") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await createTeam({ ctx: c.get("ctx"), input: c.req.valid("json") }), 201);
