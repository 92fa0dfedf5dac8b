import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { updateDocument } from "../../services/knowledge/documents";
import { DocumentPatch, DocumentSchema } from "../../services/knowledge/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "patch",
  path: "/v1/knowledge/documents/{id}",
  operationId: "updateKnowledgeDocument",
  tags: ["knowledge"],
  summary: "Edit a document (re-indexed when its text, title, language, visibility or keywords change), or deactivate/reactivate it",
  security: bearerSecurity,
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: DocumentPatch.openapi("KnowledgeDocumentPatch") } } } },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: DocumentSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await updateDocument({ ctx: c.get("ctx"), input: { ...c.req.valid("json"), id: c.req.valid("param").id } }), 200);
