import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { updateSlaPolicy } from "../../services/sla/policies";
import { SlaPolicyPatch, SlaPolicySchema } from "../../services/sla/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { expectedVersion, IdParam } from "../schemas";

export const route = createRoute({
  method: "patch",
  path: "/v1/sla-policies/{id}",
  operationId: "updateSlaPolicy",
  tags: ["sla"],
  summary: "Change an SLA policy; open conversations on it are re-clocked",
  security: bearerSecurity,
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: SlaPolicyPatch.openapi("SlaPolicyPatch") } } } },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: SlaPolicySchema } } }, ...protectedErrorResponses("NOT_FOUND", "VERSION_CONFLICT") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const version = expectedVersion(c.req.header("if-match"), body.version, "policy");
  return c.json(await updateSlaPolicy({ ctx: c.get("ctx"), input: { ...body, version, id: c.req.valid("param").id } }), 200);
};
