import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { ApiKeySchema, listApiKeys } from "../../services/api-keys/api-keys";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "get",
  path: "/v1/api-keys",
  operationId: "listApiKeys",
  tags: ["api keys"],
  summary: "List API keys (never their secrets)",
  security: bearerSecurity,
  responses: {
    200: { description: "Keys", content: { "application/json": { schema: z.object({ data: z.array(ApiKeySchema), next_cursor: z.null() }).openapi("ApiKeyPage") } } },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await listApiKeys({ ctx: c.get("ctx") }), 200);
