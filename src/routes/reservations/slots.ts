import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { listAvailableSlots } from "../../services/reservations/reservations";
import { SlotDate } from "../../services/reservations/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "get",
  path: "/v1/reservations/slots",
  operationId: "listReservationSlots",
  tags: ["reservations"],
  summary: "Slots still bookable on a date (opening hours minus full and past slots)",
  security: bearerSecurity,
  request: { query: z.object({ date: SlotDate, location: z.string().trim().min(1).max(200).optional() }) },
  responses: {
    200: {
      description: "Bookable slots, earliest first",
      content: {
        "application/json": {
          schema: z.object({ date: z.string(), slots: z.array(z.object({ time: z.string(), remaining: z.number().int() })) }).openapi("ReservationSlots"),
        },
      },
    },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await listAvailableSlots({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
