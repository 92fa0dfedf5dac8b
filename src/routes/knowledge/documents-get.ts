import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { getDocument } from "../../services/knowledge/documents";
import { DocumentDetailSchema } from "../../services/knowledge/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/knowledge/documents/{id}",
  operationId: "getKnowledgeDocument",
  tags: ["knowledge"],
  summary: "One document with its text",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 200: { description: "The document", content: { "application/json": { schema: DocumentDetailSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await getDocument({ ctx: c.get("ctx"), input: c.req.valid("param") }), 200);
