import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { revokeApiKey } from "../../services/api-keys/api-keys";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  operationId: "revokeApiKey",
  tags: ["api keys"],
  summary: "Revoke an API key; it stops working on the next request",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 204: { description: "Revoked" }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  await revokeApiKey({ ctx: c.get("ctx"), input: c.req.valid("param") });
  return c.body(null, 204);
};
