import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { getChannel } from "../../services/channels/channels";
import { ChannelSchema } from "../../services/channels/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/channels/{id}",
  operationId: "getChannel",
  tags: ["channels"],
  summary: "Get a channel (never its credentials)",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 200: { description: "The channel", content: { "application/json": { schema: ChannelSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await getChannel({ ctx: c.get("ctx"), input: c.req.valid("param") }), 200);
