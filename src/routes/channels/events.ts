import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { ChannelEventSchema, listChannelEvents } from "../../services/channels/events";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/channels/{id}/events",
  operationId: "listChannelEvents",
  tags: ["channels"],
  summary: "The channel's raw webhook log, newest first: every delivery, accepted or rejected, and why",
  security: bearerSecurity,
  request: {
    params: IdParam,
    query: z.object({
      cursor: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      verdict: z.enum(["accepted", "rejected", "ignored"]).optional(),
    }),
  },
  responses: {
    200: { description: "Deliveries", content: { "application/json": { schema: z.object({ data: z.array(ChannelEventSchema), next_cursor: z.string().nullable() }).openapi("ChannelEventPage") } } },
    ...protectedErrorResponses("NOT_FOUND"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { cursor, limit, verdict } = c.req.valid("query");
  return c.json(await listChannelEvents({ ctx: c.get("ctx"), input: { channelId: c.req.valid("param").id, before: cursor, limit, verdict } }), 200);
};
