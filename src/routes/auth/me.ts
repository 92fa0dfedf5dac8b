import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { getMe } from "../../services/auth/me";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { RoleSchema } from "../schemas";

export const MeSchema = z
  .object({
    user: z.object({ id: z.string().uuid(), email: z.string(), name: z.string().nullable() }).nullable(),
    api_key: z.object({ id: z.string().uuid(), scopes: z.array(z.string()) }).optional(),
    tenant: z.object({ id: z.string().uuid(), slug: z.string(), name: z.string(), status: z.string() }),
    role: RoleSchema.nullable(),
  })
  .openapi("Me");

export const route = createRoute({
  method: "get",
  path: "/v1/me",
  operationId: "getMe",
  tags: ["auth"],
  summary: "Who am I: user, workspace and role",
  security: bearerSecurity,
  responses: { 200: { description: "The caller", content: { "application/json": { schema: MeSchema } } }, ...protectedErrorResponses() },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await getMe({ ctx: c.get("ctx") }), 200);
