import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { AppError } from "../../lib/errors";
import { createDocument, uploadDocument } from "../../services/knowledge/documents";
import { DocumentInput, DocumentSchema } from "../../services/knowledge/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

const Upload = z
  .object({
    file: z.any().openapi({ type: "string", format: "binary", description: "Text, Markdown, HTML or PDF; 10 MB at most" }),
    title: z.string().max(300).optional().openapi({ description: "Defaults to the file name" }),
    language: z.string().optional(),
    category: z.string().optional(),
    visibility: z.enum(["public", "internal"]).optional(),
  })
  .openapi("KnowledgeUpload");

export const route = createRoute({
  method: "post",
  path: "/v1/knowledge/documents",
  operationId: "createKnowledgeDocument",
  tags: ["knowledge"],
  summary: "Add a document or KB article (JSON text/Markdown/HTML, or a multipart file upload); indexed by the queue",
  security: bearerSecurity,
  request: {
    // Not `required`: the JSON and multipart validators each run only for their own content type.
    body: {
      content: {
        "application/json": { schema: DocumentInput.openapi("KnowledgeDocumentInput") },
        "multipart/form-data": { schema: Upload },
      },
    },
  },
  responses: {
    201: { description: "Accepted; `status` is `processing` until the pipeline makes it `ready` (or `failed`, with the reason)", content: { "application/json": { schema: DocumentSchema } } },
    ...protectedErrorResponses("PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const ctx = c.get("ctx");
  const type = c.req.header("content-type") ?? "";
  if (/^multipart\/form-data/i.test(type)) {
    const form = c.req.valid("form") as Record<string, unknown>;
    const file = form.file;
    if (!(file instanceof File)) throw new AppError("VALIDATION_FAILED", "file: a file is required", { field: "file" });
    const { file: _, ...fields } = form;
    return c.json(await uploadDocument({ ctx, input: { file, fields } }), 201);
  }
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send JSON or multipart/form-data with a file");
  return c.json(await createDocument({ ctx, input: c.req.valid("json") as DocumentInput }), 201);
};
