import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { getReservation } from "../../services/reservations/reservations";
import { ReservationSchema } from "../../services/reservations/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/reservations/{id}",
  operationId: "getReservation",
  tags: ["reservations"],
  summary: "Get a reservation",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 200: { description: "The reservation", content: { "application/json": { schema: ReservationSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await getReservation({ ctx: c.get("ctx"), input: c.req.valid("param") }), 200);
