import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { createContact } from "../../services/contacts/contacts";
import { ContactFields, ContactSchema } from "../../services/contacts/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "post",
  path: "/v1/contacts",
  operationId: "createContact",
  tags: ["contacts"],
  summary: "Create a contact",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: ContactFields.openapi("ContactInput") } } } },
  responses: { 201: { description: "Created", content: { "application/json": { schema: ContactSchema } } }, ...protectedErrorResponses() },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await createContact({ ctx: c.get("ctx"), input: c.req.valid("json") }), 201);
