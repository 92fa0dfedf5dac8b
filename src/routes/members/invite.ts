import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { inviteMember, MemberSchema } from "../../services/members/members";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { EmailSchema, RoleSchema } from "../schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/members",
  operationId: "inviteMember",
  tags: ["members"],
  summary: "Invite a member with a role (owner/admin). The invitation token is shown once.",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: z.object({ email: EmailSchema, role: RoleSchema }).openapi("MemberInvite") } } } },
  responses: {
    201: {
      description: "Invited",
      content: {
        "application/json": {
          schema: MemberSchema.extend({ invitation: z.object({ token: z.string(), url: z.string(), expires_at: z.string() }) }).openapi("MemberInvitation"),
        },
      },
    },
    ...protectedErrorResponses("CONFLICT", "PAYMENT_REQUIRED"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { member, invitation } = await inviteMember({ ctx: c.get("ctx"), input: c.req.valid("json") });
  return c.json({ ...member, invitation }, 201);
};
