import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { deleteChannel } from "../../services/channels/channels";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "delete",
  path: "/v1/channels/{id}",
  operationId: "deleteChannel",
  tags: ["channels"],
  summary: "Delete a channel (soft delete; its stored credentials are destroyed and its webhook stops answering)",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  await deleteChannel({ ctx: c.get("ctx"), input: c.req.valid("param") });
  return c.body(null, 204);
};
