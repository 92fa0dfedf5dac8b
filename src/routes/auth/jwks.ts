import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { publicJwks } from "../../lib/jwt";
import { publicSecurity } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  operationId: "getJwks",
  security: publicSecurity,
  tags: ["auth"],
  summary: "Public keys that verify Parley access tokens",
  responses: {
    200: {
      description: "JSON Web Key Set",
      content: { "application/json": { schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).openapi("JWKS") } },
    },
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.json((await publicJwks(c.get("ctx").config)) as { keys: Record<string, unknown>[] }, 200);
};
