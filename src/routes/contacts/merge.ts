import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { mergeContacts } from "../../services/contacts/contacts";
import { ContactSchema } from "../../services/contacts/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/contacts/{id}/merge",
  operationId: "mergeContact",
  tags: ["contacts"],
  summary: "Merge a duplicate contact into this one",
  security: bearerSecurity,
  request: {
    params: IdParam,
    body: { required: true, content: { "application/json": { schema: z.object({ source_id: z.string().uuid() }).openapi("ContactMerge") } } },
  },
  responses: { 200: { description: "The merged contact", content: { "application/json": { schema: ContactSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await mergeContacts({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, sourceId: c.req.valid("json").source_id } }), 200);
