import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { deleteContact } from "../../services/contacts/contacts";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "delete",
  path: "/v1/contacts/{id}",
  operationId: "deleteContact",
  tags: ["contacts"],
  summary: "Delete a contact (soft delete; it disappears from the API at once)",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  await deleteContact({ ctx: c.get("ctx"), input: c.req.valid("param") });
  return c.body(null, 204);
};
