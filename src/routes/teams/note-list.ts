import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { NoteSchema } from "../../services/notes/model";
import { listNotes } from "../../services/notes/notes";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/conversations/{id}/notes",
  operationId: "listNotes",
  tags: ["conversations"],
  summary: "A conversation's internal notes, oldest first",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: {
    200: { description: "Notes", content: { "application/json": { schema: z.object({ data: z.array(NoteSchema), next_cursor: z.null() }).openapi("NotePage") } } },
    ...protectedErrorResponses("NOT_FOUND"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await listNotes({ ctx: c.get("ctx"), input: c.req.valid("param") }), 200);
