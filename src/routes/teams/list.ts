import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { TeamSchema } from "../../services/teams/model";
import { listTeams } from "../../services/teams/teams";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "get",
  path: "/v1/teams",
  operationId: "listTeams",
  tags: ["teams"],
  summary: "List the workspace's teams with their members' availability and load",
  security: bearerSecurity,
  responses: {
    200: { description: "Teams", content: { "application/json": { schema: z.object({ data: z.array(TeamSchema), next_cursor: z.null() }).openapi("TeamPage") } } },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await listTeams({ ctx: c.get("ctx") }), 200);
