import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { RESERVATION_STATUSES } from "../../db/schema";
import { listReservations } from "../../services/reservations/reservations";
import { ReservationSchema, SlotDate } from "../../services/reservations/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { ListQuery } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/reservations",
  operationId: "listReservations",
  tags: ["reservations"],
  summary: "List reservations in slot order, earliest first",
  security: bearerSecurity,
  request: {
    query: ListQuery.extend({
      date: SlotDate.optional(),
      status: z.enum(RESERVATION_STATUSES).optional(),
      contact_id: z.string().uuid().optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of reservations",
      content: { "application/json": { schema: z.object({ data: z.array(ReservationSchema), next_cursor: z.string().nullable() }).openapi("ReservationPage") } },
    },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await listReservations({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
