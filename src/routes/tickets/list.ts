import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { TICKET_STATUSES } from "../../db/schema";
import { listTickets } from "../../services/tickets/tickets";
import { TicketSchema } from "../../services/tickets/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { ListQuery } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/tickets",
  operationId: "listTickets",
  tags: ["tickets"],
  summary: "List tickets, newest first",
  security: bearerSecurity,
  request: {
    query: ListQuery.extend({
      status: z.enum(TICKET_STATUSES).optional(),
      conversation_id: z.string().uuid().optional(),
      contact_id: z.string().uuid().optional(),
      assignee_id: z.string().uuid().optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of tickets",
      content: { "application/json": { schema: z.object({ data: z.array(TicketSchema), next_cursor: z.string().nullable() }).openapi("TicketPage") } },
    },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await listTickets({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
