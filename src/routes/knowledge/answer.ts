import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { AnswerInput, AnswerSchema } from "../../services/knowledge/model";
import { answerKnowledge } from "../../services/knowledge/query";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "post",
  path: "/v1/knowledge/answer",
  operationId: "answerKnowledge",
  tags: ["knowledge"],
  summary: "An answer from the workspace's documents with its citations; empty and not confident when they do not answer it",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: AnswerInput.openapi("KnowledgeAnswerInput") } } } },
  responses: { 200: { description: "The answer", content: { "application/json": { schema: AnswerSchema } } }, ...protectedErrorResponses() },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await answerKnowledge({ ctx: c.get("ctx"), input: c.req.valid("json") }), 200);
