import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { listContacts } from "../../services/contacts/contacts";
import { ContactSchema } from "../../services/contacts/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { ListQuery } from "../schemas";
import { refineText } from "../../lib/storable-text";

export const route = createRoute({
  method: "get",
  path: "/v1/contacts",
  operationId: "listContacts",
  tags: ["contacts"],
  summary: "List contacts, newest first",
  security: bearerSecurity,
  request: {
    query: ListQuery.extend({
      q: z.string().trim().min(1).max(100).superRefine(refineText).optional().openapi({ description: "Matches name, email or phone" }),
      tag: z.string().trim().min(1).max(64).superRefine(refineText).optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of contacts",
      content: { "application/json": { schema: z.object({ data: z.array(ContactSchema), next_cursor: z.string().nullable() }).openapi("ContactPage") } },
    },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await listContacts({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
