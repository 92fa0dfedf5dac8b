import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { signup } from "../../services/auth/signup";
import { errorResponses, publicSecurity } from "../errors";
import type { AppEnv } from "../hono-env";
import { AuthResultSchema, EmailSchema } from "../schemas";
import { refineText } from "../../lib/storable-text";

export const SignupBody = z
  .object({
    email: EmailSchema,
    password: z.string().min(1).max(256),
    organization: z.string().trim().min(1).max(120).superRefine(refineText),
    name: z.string().trim().max(120).superRefine(refineText).optional(),
  })
  .openapi("SignupRequest");

export const route = createRoute({
  method: "post",
  path: "/v1/auth/signup",
  operationId: "signUp",
  security: publicSecurity,
  tags: ["auth"],
  summary: "Create an organization and its owner, and sign in",
  request: { body: { required: true, content: { "application/json": { schema: SignupBody } } } },
  responses: {
    201: { description: "Signed up", content: { "application/json": { schema: AuthResultSchema } } },
    ...errorResponses("VALIDATION_FAILED", "EMAIL_TAKEN", "CONFLICT", "RATE_LIMITED", "UNAVAILABLE"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const result = await signup({ ctx: c.get("ctx"), input: c.req.valid("json") });
  return c.json(result, 201);
};
