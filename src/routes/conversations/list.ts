import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { CONVERSATION_STATES } from "../../db/schema";
import { listConversations } from "../../services/conversations/conversations";
import { ConversationSchema } from "../../services/conversations/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { ListQuery } from "../schemas";
import type { Priority } from "../../understanding/port";

export const route = createRoute({
  method: "get",
  path: "/v1/conversations",
  operationId: "listConversations",
  tags: ["conversations"],
  summary: "The inbox: conversations by most recent activity, optionally by state, assignee or priority",
  security: bearerSecurity,
  request: {
    query: ListQuery.extend({
      state: z.enum(CONVERSATION_STATES).optional(),
      assignee_id: z.string().uuid().optional(),
      priority: z
        .string()
        .regex(/^P[0-3](?:,P[0-3]){0,3}$/, "P0, P1, P2 or P3, or a comma list such as P0,P1")
        .transform((s) => [...new Set(s.split(","))] as Priority[])
        .optional()
        .openapi({ description: "Only these priorities: `P0`, or a comma list `P0,P1`", example: "P0,P1" }),
    }),
  },
  responses: {
    200: {
      description: "A page of conversations",
      content: { "application/json": { schema: z.object({ data: z.array(ConversationSchema), next_cursor: z.string().nullable() }).openapi("ConversationPage") } },
    },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await listConversations({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
