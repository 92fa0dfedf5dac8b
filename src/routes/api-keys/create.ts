import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { ApiKeySchema, createApiKey } from "../../services/api-keys/api-keys";
import { API_KEY_SCOPES } from "../../services/permissions";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { refineText } from "../../lib/storable-text";

export const route = createRoute({
  method: "post",
  path: "/v1/api-keys",
  operationId: "createApiKey",
  tags: ["api keys"],
  summary: "Create a scoped API key for server-to-server calls (the key is shown once)",
  security: bearerSecurity,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              name: z.string().trim().min(1).max(100).superRefine(refineText),
              scopes: z.array(z.enum(API_KEY_SCOPES)).min(1),
              expires_in_days: z.number().int().min(1).max(3650).optional(),
            })
            .openapi("ApiKeyInput"),
        },
      },
    },
  },
  responses: {
    201: { description: "Created; `key` is not retrievable later", content: { "application/json": { schema: ApiKeySchema.extend({ key: z.string() }).openapi("ApiKeyCreated") } } },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  c.header("Cache-Control", "no-store");
  return c.json(await createApiKey({ ctx: c.get("ctx"), input: c.req.valid("json") }), 201);
};
