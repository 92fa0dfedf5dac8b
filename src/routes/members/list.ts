import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { listMembers, MemberSchema } from "../../services/members/members";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "get",
  path: "/v1/members",
  operationId: "listMembers",
  tags: ["members"],
  summary: "List the workspace's members and pending invitations",
  security: bearerSecurity,
  responses: {
    200: { description: "Members", content: { "application/json": { schema: z.object({ data: z.array(MemberSchema), next_cursor: z.null() }).openapi("MemberPage") } } },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await listMembers({ ctx: c.get("ctx") }), 200);
