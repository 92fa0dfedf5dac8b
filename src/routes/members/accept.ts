import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { optionalUserSignIn } from "../../middleware/authenticate";
import { acceptInvitation } from "../../services/members/accept-invitation";
import { errorResponses, publicSecurity } from "../errors";
import type { AppEnv } from "../hono-env";
import { AuthResultSchema } from "../schemas";
import { refineText } from "../../lib/storable-text";

export const route = createRoute({
  method: "post",
  path: "/v1/invitations/accept",
  operationId: "acceptInvitation",
  security: publicSecurity,
  tags: ["members"],
  summary: "Accept an invitation and sign in to its workspace",
  description:
    "A new account sets its password here. An existing account accepts by sending its own access token (`Authorization: Bearer`, from signing in to any of its workspaces); its password is never taken here.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              token: z.string().min(1).max(200),
              password: z.string().min(1).max(256).optional().openapi({ description: "Required for a new account; ignored for an existing one" }),
              name: z.string().trim().max(120).superRefine(refineText).optional(),
            })
            .openapi("InvitationAccept"),
        },
      },
    },
  },
  responses: { 200: { description: "Joined and signed in", content: { "application/json": { schema: AuthResultSchema } } }, ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "NOT_FOUND", "RATE_LIMITED", "UNAVAILABLE") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  await optionalUserSignIn(c);
  return c.json(await acceptInvitation({ ctx: c.get("ctx"), input: c.req.valid("json") }), 200);
};
