import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { getConversation } from "../../services/conversations/conversations";
import { withSla } from "../../services/sla/attach";
import { ConversationSchema } from "../../services/conversations/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/conversations/{id}",
  operationId: "getConversation",
  tags: ["conversations"],
  summary: "Get a conversation",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 200: { description: "The conversation", content: { "application/json": { schema: ConversationSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json((await withSla(c.get("ctx"), [await getConversation({ ctx: c.get("ctx"), input: c.req.valid("param") })]))[0]!, 200);
