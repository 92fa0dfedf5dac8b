import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { createFlow } from "../../services/flows/flows";
import { FlowCreateInput, FlowSchema } from "../../services/flows/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { answeringFlowProblems } from "./problems";

export const route = createRoute({
  method: "post",
  path: "/v1/flows",
  operationId: "createFlow",
  tags: ["flows"],
  summary: "Create a bot flow (version 1, a draft)",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: FlowCreateInput } } } },
  responses: { 201: { description: "Created", content: { "application/json": { schema: FlowSchema } } }, ...protectedErrorResponses("FLOW_INVALID", "CONFLICT") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  answeringFlowProblems(c, async () => c.json(await createFlow({ ctx: c.get("ctx"), input: c.req.valid("json") }), 201)) as never;
