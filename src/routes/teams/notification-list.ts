import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { NotificationSchema } from "../../services/notes/model";
import { listNotifications } from "../../services/notes/notes";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "get",
  path: "/v1/notifications",
  operationId: "listNotifications",
  tags: ["notifications"],
  summary: "The signed-in member's inbox notifications (mentions, assignments), newest first",
  security: bearerSecurity,
  request: {
    query: z.object({
      unread: z.enum(["true", "false"]).optional().openapi({ description: "Only unread ones" }),
      limit: z.coerce.number().int().min(1).max(200).optional(),
    }),
  },
  responses: {
    200: {
      description: "Notifications",
      content: { "application/json": { schema: z.object({ data: z.array(NotificationSchema), unread: z.number().int(), next_cursor: z.null() }).openapi("NotificationPage") } },
    },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  return c.json(await listNotifications({ ctx: c.get("ctx"), input: { unread: q.unread === "true", limit: q.limit } }), 200);
};
