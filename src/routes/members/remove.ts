import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { removeMember } from "../../services/members/members";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "delete",
  path: "/v1/members/{id}",
  operationId: "removeMember",
  tags: ["members"],
  summary: "Remove a member; their sessions end at once",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 204: { description: "Removed" }, ...protectedErrorResponses("NOT_FOUND", "CONFLICT") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  await removeMember({ ctx: c.get("ctx"), input: c.req.valid("param") });
  return c.body(null, 204);
};
