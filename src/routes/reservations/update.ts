import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { updateReservation } from "../../services/reservations/reservations";
import { RESERVATION_OUTCOMES, ReservationSchema } from "../../services/reservations/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "patch",
  path: "/v1/reservations/{id}",
  operationId: "updateReservation",
  tags: ["reservations"],
  summary: "Cancel a confirmed reservation (freeing its slot), or mark it completed or no-show",
  security: bearerSecurity,
  request: {
    params: IdParam,
    body: { required: true, content: { "application/json": { schema: z.object({ status: z.enum(RESERVATION_OUTCOMES) }).openapi("ReservationPatch") } } },
  },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: ReservationSchema } } }, ...protectedErrorResponses("NOT_FOUND", "CONFLICT") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await updateReservation({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, status: c.req.valid("json").status } }), 200);
