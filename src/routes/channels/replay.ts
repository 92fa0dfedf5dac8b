import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { replayChannelEvent } from "../../services/channels/events";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "post",
  path: "/v1/channels/{id}/events/{event_id}/replay",
  operationId: "replayChannelEvent",
  tags: ["channels"],
  summary: "Run a logged (verified) delivery through ingestion again; already stored messages stay single",
  security: bearerSecurity,
  request: {
    params: z.object({
      id: z.string().uuid().openapi({ param: { name: "id", in: "path" } }),
      event_id: z.coerce.number().int().positive().openapi({ param: { name: "event_id", in: "path" } }),
    }),
  },
  responses: {
    200: { description: "Replayed", content: { "application/json": { schema: z.object({ resubmitted: z.number().int().openapi({ description: "Messages handed to their threads again (stored ones stay single)" }), statuses: z.number().int() }).openapi("ReplayResult") } } },
    ...protectedErrorResponses("NOT_FOUND", "CONFLICT"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id, event_id } = c.req.valid("param");
  return c.json(await replayChannelEvent({ ctx: c.get("ctx"), input: { channelId: id, eventId: event_id } }), 200);
};
