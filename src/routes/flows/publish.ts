import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { publishFlow } from "../../services/flows/flows";
import { FlowSchema } from "../../services/flows/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";
import { answeringFlowProblems } from "./problems";

export const route = createRoute({
  method: "post",
  path: "/v1/flows/{id}/publish",
  operationId: "publishFlow",
  tags: ["flows"],
  summary: "Publish a version (the latest by default; an older one rolls back)",
  security: bearerSecurity,
  request: {
    params: IdParam,
    body: { required: false, content: { "application/json": { schema: z.object({ version: z.number().int().min(1).optional() }).openapi("FlowPublish") } } },
  },
  responses: { 200: { description: "Published", content: { "application/json": { schema: FlowSchema } } }, ...protectedErrorResponses("NOT_FOUND", "FLOW_INVALID") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  answeringFlowProblems(c, async () =>
    c.json(await publishFlow({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, version: c.req.valid("json")?.version } }), 200),
  ) as never;
