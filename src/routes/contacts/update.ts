import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { updateContact } from "../../services/contacts/contacts";
import { ContactFields, ContactSchema } from "../../services/contacts/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { expectedVersion, IdParam } from "../schemas";

export const route = createRoute({
  method: "patch",
  path: "/v1/contacts/{id}",
  operationId: "updateContact",
  tags: ["contacts"],
  summary: "Update a contact (optimistic locking with `version` or If-Match)",
  security: bearerSecurity,
  request: {
    params: IdParam,
    headers: z.object({ "if-match": z.string().optional().openapi({ description: "Expected version, e.g. \"3\"" }) }),
    body: {
      required: true,
      content: { "application/json": { schema: ContactFields.extend({ version: z.number().int().positive().optional() }).openapi("ContactPatch") } },
    },
  },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: ContactSchema } } },
    ...protectedErrorResponses("NOT_FOUND", "VERSION_CONFLICT"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { version, ...fields } = c.req.valid("json");
  return c.json(await updateContact({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, fields, expectedVersion: expectedVersion(c.req.valid("header")["if-match"], version, "contact") } }), 200);
};
