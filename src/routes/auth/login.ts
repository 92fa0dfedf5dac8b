import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { login } from "../../services/auth/login";
import { errorResponses, publicSecurity } from "../errors";
import type { AppEnv } from "../hono-env";
import { AuthResultSchema, EmailSchema } from "../schemas";

export const LoginBody = z
  .object({
    email: EmailSchema,
    password: z.string().min(1).max(256),
    tenant: z.string().trim().min(1).max(80).optional().openapi({ description: "Workspace slug; defaults to the first membership" }),
  })
  .openapi("LoginRequest");

export const route = createRoute({
  method: "post",
  path: "/v1/auth/login",
  operationId: "logIn",
  security: publicSecurity,
  tags: ["auth"],
  summary: "Sign in with email and password",
  request: { body: { required: true, content: { "application/json": { schema: LoginBody } } } },
  responses: {
    200: { description: "Signed in", content: { "application/json": { schema: AuthResultSchema } } },
    ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "TENANT_SUSPENDED", "RATE_LIMITED", "UNAVAILABLE"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json(await login({ ctx: c.get("ctx"), input: c.req.valid("json") }), 200);
};
