import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { updateFlow } from "../../services/flows/flows";
import { FlowSchema, FlowUpdateInput } from "../../services/flows/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";
import { answeringFlowProblems } from "./problems";

export const route = createRoute({
  method: "put",
  path: "/v1/flows/{id}",
  operationId: "updateFlow",
  tags: ["flows"],
  summary: "Save a new draft version (published versions never change)",
  security: bearerSecurity,
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: FlowUpdateInput } } } },
  responses: { 200: { description: "The new draft", content: { "application/json": { schema: FlowSchema } } }, ...protectedErrorResponses("NOT_FOUND", "FLOW_INVALID") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  answeringFlowProblems(c, async () => c.json(await updateFlow({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, ...c.req.valid("json") } }), 200)) as never;
