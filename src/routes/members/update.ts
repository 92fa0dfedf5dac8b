import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { changeMemberRole, MemberSchema } from "../../services/members/members";
import { bearerSecurity, errorResponses, protectedErrors } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam, RoleSchema } from "../schemas";

export const route = createRoute({
  method: "patch",
  path: "/v1/members/{id}",
  tags: ["members"],
  summary: "Change a member's role",
  security: bearerSecurity,
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: z.object({ role: RoleSchema }).openapi("MemberPatch") } } } },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: MemberSchema } } }, ...protectedErrors, ...errorResponses(409) },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await changeMemberRole({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, role: c.req.valid("json").role } }), 200);
