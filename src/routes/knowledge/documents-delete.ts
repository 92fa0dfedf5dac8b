import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { deleteDocument } from "../../services/knowledge/documents";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "delete",
  path: "/v1/knowledge/documents/{id}",
  operationId: "deleteKnowledgeDocument",
  tags: ["knowledge"],
  summary: "Delete a document: from the next query on it is never returned or cited",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  await deleteDocument({ ctx: c.get("ctx"), input: c.req.valid("param") });
  return c.body(null, 204);
};
