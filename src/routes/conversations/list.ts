import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { CONVERSATION_STATES } from "../../db/schema";
import { listConversations } from "../../services/conversations/conversations";
import { ConversationSchema } from "../../services/conversations/model";
import { bearerSecurity, protectedErrors } from "../errors";
import type { AppEnv } from "../hono-env";
import { ListQuery } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/conversations",
  tags: ["conversations"],
  summary: "The inbox: conversations by most recent activity, optionally by state or assignee",
  security: bearerSecurity,
  request: { query: ListQuery.extend({ state: z.enum(CONVERSATION_STATES).optional(), assignee_id: z.string().uuid().optional() }) },
  responses: {
    200: {
      description: "A page of conversations",
      content: { "application/json": { schema: z.object({ data: z.array(ConversationSchema), next_cursor: z.string().nullable() }).openapi("ConversationPage") } },
    },
    ...protectedErrors,
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await listConversations({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
