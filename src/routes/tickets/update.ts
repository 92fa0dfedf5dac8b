import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { updateTicket } from "../../services/tickets/tickets";
import { TicketPatch, TicketSchema } from "../../services/tickets/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "patch",
  path: "/v1/tickets/{id}",
  operationId: "updateTicket",
  tags: ["tickets"],
  summary: "Move a ticket along open → pending → resolved → closed (reopen allowed), assign it, or reprioritize it",
  security: bearerSecurity,
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: TicketPatch.openapi("TicketPatch") } } } },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: TicketSchema } } }, ...protectedErrorResponses("NOT_FOUND", "VERSION_CONFLICT") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await updateTicket({ ctx: c.get("ctx"), input: { ...c.req.valid("json"), id: c.req.valid("param").id } }), 200);
