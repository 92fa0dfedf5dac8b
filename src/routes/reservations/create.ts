import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { createReservation } from "../../services/reservations/reservations";
import { ReservationInput, ReservationSchema } from "../../services/reservations/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "post",
  path: "/v1/reservations",
  operationId: "createReservation",
  tags: ["reservations"],
  summary: "Book a slot (409 when it is taken)",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: ReservationInput.openapi("ReservationInput") } } } },
  responses: { 201: { description: "Booked", content: { "application/json": { schema: ReservationSchema } } }, ...protectedErrorResponses("NOT_FOUND", "CONFLICT") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await createReservation({ ctx: c.get("ctx"), input: c.req.valid("json") }), 201);
