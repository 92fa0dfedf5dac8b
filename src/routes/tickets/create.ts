import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { createTicket } from "../../services/tickets/tickets";
import { TicketInput, TicketSchema } from "../../services/tickets/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "post",
  path: "/v1/tickets",
  operationId: "createTicket",
  tags: ["tickets"],
  summary: "Open a ticket",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: TicketInput.openapi("TicketInput") } } } },
  responses: { 201: { description: "Created", content: { "application/json": { schema: TicketSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await createTicket({ ctx: c.get("ctx"), input: c.req.valid("json") }), 201);
