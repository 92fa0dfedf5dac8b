import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { rotateFlowSigningSecret } from "../../services/flows/signing-secret";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

const FlowSigningSecret = z
  .object({
    secret: z.string().openapi({ description: "Shown only in this response; the previous secret stops working now" }),
    generation: z.number().int().openapi({ description: "How many times the secret was rotated" }),
    header: z.literal("X-Parley-Signature"),
    format: z.string().openapi({ description: "How a receiver checks a request: `t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">`" }),
  })
  .openapi("FlowSigningSecret");

export const route = createRoute({
  method: "post",
  path: "/v1/flows/signing-secret",
  operationId: "rotateFlowSigningSecret",
  tags: ["flows"],
  summary: "Rotate the secret that signs flows' http requests, and show it once",
  description:
    "Flows' `http` steps sign each request with the workspace's secret. This makes a new one, answers it once (configure your receiver with it) and retires the old one at once.",
  security: bearerSecurity,
  responses: { 200: { description: "The new secret", content: { "application/json": { schema: FlowSigningSecret } } }, ...protectedErrorResponses() },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await rotateFlowSigningSecret({ ctx: c.get("ctx") }), 200);
