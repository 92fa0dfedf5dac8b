import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { documentFile } from "../../services/knowledge/documents";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

const Binary = { schema: z.string().openapi({ type: "string", format: "binary" }) };

export const route = createRoute({
  method: "get",
  path: "/v1/knowledge/documents/{id}/file",
  operationId: "downloadKnowledgeDocument",
  tags: ["knowledge"],
  summary: "The document as it was given: the uploaded PDF, or the text of a text, Markdown or HTML document (as an attachment)",
  security: bearerSecurity,
  request: { params: IdParam },
  responses: {
    200: {
      description: "The file, with its name in Content-Disposition",
      content: { "application/pdf": Binary, "text/markdown": Binary, "text/html": Binary, "text/plain": Binary },
    },
    ...protectedErrorResponses("NOT_FOUND"),
  },
});

/** RFC 6266/5987: an ASCII fallback and the UTF-8 name, neither able to break out of the header. */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The download, for the API and the Knowledge page's link alike. */
export function fileResponse(file: Awaited<ReturnType<typeof documentFile>>): Response {
  return new Response(file.body, {
    status: 200,
    headers: {
      "content-type": file.type,
      "content-length": String(file.size),
      "content-disposition": disposition(file.name),
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => fileResponse(await documentFile({ ctx: c.get("ctx"), input: c.req.valid("param") })) as never;
