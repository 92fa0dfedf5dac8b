import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { CorrectionExportSchema, listCorrections } from "../../services/conversations/annotations";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { ListQuery } from "../schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/annotations/corrections",
  operationId: "listAnnotationCorrections",
  tags: ["understanding"],
  summary: "Agents' corrections as training data, oldest first (one line each of the eval's --corrections file)",
  security: bearerSecurity,
  request: { query: ListQuery },
  responses: {
    200: {
      description: "A page of corrected annotations",
      content: { "application/json": { schema: z.object({ data: z.array(CorrectionExportSchema), next_cursor: z.string().nullable() }).openapi("AnnotationCorrectionPage") } },
    },
    ...protectedErrorResponses(),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await listCorrections({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
