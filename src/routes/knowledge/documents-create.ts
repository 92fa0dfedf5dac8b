import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { AppError } from "../../lib/errors";
import { createDocument, FILE_EXTENSIONS, fileOfForm, formatOfFile, uploadDocument } from "../../services/knowledge/documents";
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

/** Raw uploads: the request body is the file, streamed into storage as it arrives. */
const RAW_TYPES = ["application/pdf", "text/markdown", "text/html", "text/plain"] as const;

const RawQuery = z.object({
  filename: z.string().max(255).optional().openapi({ description: "The file's name, for a raw upload" }),
  title: z.string().max(300).optional().openapi({ description: "For a raw upload; defaults to the file name" }),
  language: z.string().optional(),
  category: z.string().optional(),
  visibility: z.enum(["public", "internal"]).optional(),
});

export const route = createRoute({
  method: "post",
  path: "/v1/knowledge/documents",
  operationId: "createKnowledgeDocument",
  tags: ["knowledge"],
  summary: "Add a document or KB article (JSON text/Markdown/HTML, a multipart file upload, or the file itself as the body); indexed by the queue",
  security: bearerSecurity,
  request: {
    query: RawQuery,
    // Not `required`: the JSON and multipart validators each run only for their own content type.
    body: {
      content: {
        "application/json": { schema: DocumentInput.openapi("KnowledgeDocumentInput") },
        "multipart/form-data": { schema: Upload },
        ...Object.fromEntries(
          RAW_TYPES.map((t) => [t, { schema: z.any().openapi({ type: "string", format: "binary", description: "The file itself, streamed (Content-Length required, 10 MB at most); name it with ?filename= and title it with ?title=" }) }]),
        ),
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
    return c.json(await uploadDocument({ ctx, input: { file: fileOfForm(file), fields } }), 201);
  }
  const raw = RAW_TYPES.find((t) => type.toLowerCase().split(";")[0]!.trim() === t);
  if (raw) {
    // The body is the file: its declared length is checked before a byte is read (and R2 holds the
    // stream to it), so nothing larger than the limit is ever taken in.
    const declared = c.req.header("content-length");
    const length = declared !== undefined && /^\d{1,15}$/.test(declared.trim()) ? Number(declared) : Number.NaN;
    if (!Number.isSafeInteger(length)) throw new AppError("VALIDATION_FAILED", "A raw upload needs a Content-Length header", { field: "content-length" });
    const { filename, ...fields } = c.req.valid("query");
    const body = c.req.raw.body;
    const file = {
      name: filename ?? `upload.${FILE_EXTENSIONS[formatOfFile("", raw)]}`,
      type: raw,
      size: length,
      bytes: async () => new Uint8Array(await c.req.arrayBuffer()),
      ...(body && { stream: () => body }),
    };
    return c.json(await uploadDocument({ ctx, input: { file, fields } }), 201);
  }
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send JSON, multipart/form-data with a file, or the file itself (PDF, Markdown, HTML or text)");
  return c.json(await createDocument({ ctx, input: c.req.valid("json") as DocumentInput }), 201);
};
