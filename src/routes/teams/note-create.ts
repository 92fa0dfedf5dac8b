import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { NoteInput, NoteSchema } from "../../services/notes/model";
import { createNote } from "../../services/notes/notes";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/conversations/{id}/notes",
  operationId: "createNote",
  tags: ["conversations"],
  summary: "Add an internal note (never sent to the customer); @mentioned members are notified",
  security: bearerSecurity,
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: NoteInput.openapi("NoteInput") } } } },
  responses: { 201: { description: "Created", content: { "application/json": { schema: NoteSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await createNote({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, content: c.req.valid("json").content } }), 201);
