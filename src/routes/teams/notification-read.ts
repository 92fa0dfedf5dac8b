import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { NotificationSchema } from "../../services/notes/model";
import { markNotificationRead } from "../../services/notes/notes";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/notifications/{id}/read",
  operationId: "markNotificationRead",
  tags: ["notifications"],
  summary: "Mark one of your notifications read",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 200: { description: "Read", content: { "application/json": { schema: NotificationSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await markNotificationRead({ ctx: c.get("ctx"), input: c.req.valid("param") }), 200);
