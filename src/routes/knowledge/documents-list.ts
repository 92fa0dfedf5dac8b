import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { KNOWLEDGE_STATUSES } from "../../db/schema";
import { listDocuments } from "../../services/knowledge/documents";
import { DocumentSchema } from "../../services/knowledge/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { ListQuery } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/knowledge/documents",
  operationId: "listKnowledgeDocuments",
  tags: ["knowledge"],
  summary: "List documents and KB articles, newest first, with status, chunks, language and query counts",
  security: bearerSecurity,
  request: { query: ListQuery.extend({ status: z.enum(KNOWLEDGE_STATUSES).optional() }) },
  responses: {
    200: { description: "A page of documents", content: { "application/json": { schema: z.object({ data: z.array(DocumentSchema), next_cursor: z.string().nullable() }).openapi("KnowledgeDocumentPage") } } },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await listDocuments({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
