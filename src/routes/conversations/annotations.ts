import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { AnnotationCorrectionSchema, correctAnnotation } from "../../services/conversations/annotations";
import { MessageSchema } from "../../services/conversations/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

const Params = z.object({
  id: z.string().uuid().openapi({ param: { name: "id", in: "path" } }),
  message_id: z.string().uuid().openapi({ param: { name: "message_id", in: "path" } }),
});

export const route = createRoute({
  method: "patch",
  path: "/v1/conversations/{id}/messages/{message_id}/annotations",
  operationId: "correctMessageAnnotations",
  tags: ["conversations"],
  summary: "Correct how an inbound message was understood (kept as training data)",
  security: bearerSecurity,
  request: { params: Params, body: { required: true, content: { "application/json": { schema: AnnotationCorrectionSchema } } } },
  responses: { 200: { description: "The message with its corrected annotations", content: { "application/json": { schema: MessageSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id, message_id } = c.req.valid("param");
  return c.json(await correctAnnotation({ ctx: c.get("ctx"), input: { conversationId: id, messageId: message_id, correction: c.req.valid("json") } }), 200);
};
