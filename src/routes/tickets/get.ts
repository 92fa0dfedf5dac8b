import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { getTicket } from "../../services/tickets/tickets";
import { TicketSchema } from "../../services/tickets/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/tickets/{id}",
  operationId: "getTicket",
  tags: ["tickets"],
  summary: "Get a ticket",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 200: { description: "The ticket", content: { "application/json": { schema: TicketSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await getTicket({ ctx: c.get("ctx"), input: c.req.valid("param") }), 200);
