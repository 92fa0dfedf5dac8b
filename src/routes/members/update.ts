import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { MemberProfilePatch, MemberProfileSchema, updateMember } from "../../services/members/update";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam, RoleSchema } from "../schemas";

const MemberPatch = z
  .object({ role: RoleSchema.optional(), ...MemberProfilePatch })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Give role, skills, capacity or availability", path: ["role"] })
  .openapi("MemberPatch");

export const route = createRoute({
  method: "patch",
  path: "/v1/members/{id}",
  operationId: "updateMember",
  tags: ["members"],
  summary: "Change a member's role or routing profile (skills, capacity, availability); agents set their own availability",
  security: bearerSecurity,
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: MemberPatch } } } },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: MemberProfileSchema } } }, ...protectedErrorResponses("NOT_FOUND", "CONFLICT") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await updateMember({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, ...c.req.valid("json") } }), 200);
