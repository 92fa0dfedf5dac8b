import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { acceptInvitation } from "../../services/members/accept-invitation";
import { errorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { AuthResultSchema } from "../schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/invitations/accept",
  tags: ["members"],
  summary: "Accept an invitation (sets the password of a new account) and sign in",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ token: z.string().min(1).max(200), password: z.string().min(1).max(256), name: z.string().trim().max(120).optional() }).openapi("InvitationAccept"),
        },
      },
    },
  },
  responses: { 200: { description: "Joined and signed in", content: { "application/json": { schema: AuthResultSchema } } }, ...errorResponses(400, 401, 404) },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await acceptInvitation({ ctx: c.get("ctx"), input: c.req.valid("json") }), 200);
