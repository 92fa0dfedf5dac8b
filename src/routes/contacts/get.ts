import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { getContact } from "../../services/contacts/contacts";
import { ContactSchema } from "../../services/contacts/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/contacts/{id}",
  operationId: "getContact",
  tags: ["contacts"],
  summary: "Get a contact",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 200: { description: "The contact", content: { "application/json": { schema: ContactSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await getContact({ ctx: c.get("ctx"), input: c.req.valid("param") }), 200);
