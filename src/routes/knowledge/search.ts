import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { SearchInput, SearchResultSchema } from "../../services/knowledge/model";
import { searchKnowledge } from "../../services/knowledge/query";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "post",
  path: "/v1/knowledge/search",
  operationId: "searchKnowledge",
  tags: ["knowledge"],
  summary: "Ranked passages for a query: hybrid (reciprocal rank fusion of keyword and vector), keyword or vector",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: SearchInput.openapi("KnowledgeSearchInput") } } } },
  responses: { 200: { description: "Best first", content: { "application/json": { schema: SearchResultSchema } } }, ...protectedErrorResponses() },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await searchKnowledge({ ctx: c.get("ctx"), input: c.req.valid("json") }), 200);
