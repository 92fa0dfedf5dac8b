import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { createSlaPolicy } from "../../services/sla/policies";
import { SlaPolicyInput, SlaPolicySchema } from "../../services/sla/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "post",
  path: "/v1/sla-policies",
  operationId: "createSlaPolicy",
  tags: ["sla"],
  summary: "Create an SLA policy: targets, business hours, overrides per channel type and priority, and which conversations it is for",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: SlaPolicyInput.openapi("SlaPolicyInput") } } } },
  responses: { 201: { description: "Created", content: { "application/json": { schema: SlaPolicySchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await createSlaPolicy({ ctx: c.get("ctx"), input: c.req.valid("json") }), 201);
