import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { SimulateInput, SimulationSchema, simulateFlow } from "../../services/flows/simulate";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";
import { answeringFlowProblems } from "./problems";

export const route = createRoute({
  method: "post",
  path: "/v1/flows/{id}/simulate",
  operationId: "simulateFlow",
  tags: ["flows"],
  summary: "Run a flow version on sample messages with side effects off (nothing is sent or stored)",
  security: bearerSecurity,
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: SimulateInput } } } },
  responses: { 200: { description: "What the flow would do", content: { "application/json": { schema: SimulationSchema } } }, ...protectedErrorResponses("NOT_FOUND", "FLOW_INVALID") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  answeringFlowProblems(c, async () => c.json(await simulateFlow({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, ...c.req.valid("json") } }), 200)) as never;
