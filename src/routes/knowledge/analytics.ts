import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { getKnowledgeAnalytics, KnowledgeAnalyticsQuery, KnowledgeAnalyticsSchema } from "../../services/knowledge/analytics";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "get",
  path: "/v1/knowledge/analytics",
  operationId: "getKnowledgeAnalytics",
  tags: ["knowledge"],
  summary: "What is asked of the knowledge base: volume, answer rate, latency, frequent and unanswered questions, most cited documents",
  security: bearerSecurity,
  request: { query: KnowledgeAnalyticsQuery },
  responses: { 200: { description: "Query analytics for the period", content: { "application/json": { schema: KnowledgeAnalyticsSchema } } }, ...protectedErrorResponses() },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await getKnowledgeAnalytics({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
