import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { listMessages } from "../../services/conversations/conversations";
import { MessageSchema } from "../../services/conversations/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/conversations/{id}/messages",
  operationId: "listMessages",
  tags: ["conversations"],
  summary: "The thread, oldest first",
  security: bearerSecurity,
  request: {
    params: IdParam,
    query: z.object({
      cursor: z.coerce.number().int().nonnegative().optional().openapi({ description: "next_cursor of the previous page" }),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: {
      description: "Messages",
      content: { "application/json": { schema: z.object({ data: z.array(MessageSchema), next_cursor: z.string().nullable() }).openapi("MessagePage") } },
    },
    ...protectedErrorResponses("NOT_FOUND"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { cursor, limit } = c.req.valid("query");
  return c.json(await listMessages({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, after: cursor, limit } }), 200);
};
