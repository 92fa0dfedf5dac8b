import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { refresh } from "../../services/auth/refresh";
import { errorResponses, publicSecurity } from "../errors";
import type { AppEnv } from "../hono-env";
import { AuthResultSchema } from "../schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/auth/refresh",
  operationId: "refreshSession",
  security: publicSecurity,
  tags: ["auth"],
  summary: "Exchange a refresh token for a new token pair (rotation; reuse revokes the session)",
  request: {
    body: { required: true, content: { "application/json": { schema: z.object({ refresh_token: z.string().min(1).max(200) }).openapi("RefreshRequest") } } },
  },
  responses: {
    200: { description: "New token pair", content: { "application/json": { schema: AuthResultSchema } } },
    ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "RATE_LIMITED", "UNAVAILABLE"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json(await refresh({ ctx: c.get("ctx"), input: c.req.valid("json") }), 200);
};
