import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { CHANNEL_TYPES } from "../../db/schema";
import { listChannels } from "../../services/channels/channels";
import { ChannelSchema } from "../../services/channels/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { ListQuery } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/channels",
  operationId: "listChannels",
  tags: ["channels"],
  summary: "List channels, newest first",
  security: bearerSecurity,
  request: { query: ListQuery.extend({ type: z.enum(CHANNEL_TYPES).optional() }) },
  responses: {
    200: {
      description: "A page of channels",
      content: { "application/json": { schema: z.object({ data: z.array(ChannelSchema), next_cursor: z.string().nullable() }).openapi("ChannelPage") } },
    },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await listChannels({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
