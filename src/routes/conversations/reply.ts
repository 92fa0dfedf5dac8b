import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { replyToConversation } from "../../services/conversations/conversations";
import { MessageSchema } from "../../services/conversations/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

const Text = z.string().trim().min(1).max(4096);

export const route = createRoute({
  method: "post",
  path: "/v1/conversations/{id}/messages",
  operationId: "replyToConversation",
  tags: ["conversations"],
  summary: "Reply as an agent; delivered to the customer's channel asynchronously (202)",
  security: bearerSecurity,
  request: {
    params: IdParam,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ content: z.union([Text, z.object({ type: z.literal("text"), text: Text })]) }).openapi("ReplyInput"),
        },
      },
    },
  },
  responses: { 202: { description: "Accepted for delivery (status pending)", content: { "application/json": { schema: MessageSchema } } }, ...protectedErrorResponses("NOT_FOUND", "PAYMENT_REQUIRED") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { content } = c.req.valid("json");
  const text = typeof content === "string" ? content : content.text;
  return c.json(await replyToConversation({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, text } }), 202);
};
