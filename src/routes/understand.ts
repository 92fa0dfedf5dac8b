import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { AnnotationsSchema } from "../understanding/port";
import { understandText } from "../understanding/service";
import { bearerSecurity, protectedErrorResponses } from "./errors";
import type { AppEnv } from "./hono-env";

const UnderstandInputSchema = z
  .object({
    text: z.string().min(1).max(4000),
    language_hint: z
      .string()
      .regex(/^[A-Za-z]{2}(?:[-_][A-Za-z0-9]{2,8})?$/, "an ISO 639-1 code, optionally with a region (es, pt-BR)")
      .optional(),
  })
  .openapi("UnderstandInput");

export const route = createRoute({
  method: "post",
  path: "/v1/understand",
  operationId: "understandText",
  tags: ["understanding"],
  summary: "Annotate a text: language, intent, sentiment, urgency, priority, entities",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: UnderstandInputSchema } } } },
  responses: { 200: { description: "The annotations", content: { "application/json": { schema: AnnotationsSchema.openapi("TextAnnotations", { description: "How the text was understood" }) } } }, ...protectedErrorResponses() },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await understandText({ ctx: c.get("ctx"), input: c.req.valid("json") }), 200);
