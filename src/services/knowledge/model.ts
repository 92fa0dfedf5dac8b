import { z } from "@hono/zod-openapi";
import { KNOWLEDGE_FORMATS, KNOWLEDGE_KINDS, KNOWLEDGE_STATUSES, KNOWLEDGE_VISIBILITIES, type knowledgeDocuments } from "../../db/schema";
import { refineText } from "../../lib/storable-text";
import { SEARCH_MODES } from "../../knowledge/search";

type DocumentRow = typeof knowledgeDocuments.$inferSelect;

/** Pasted text and Markdown, 1 MB of it at most; files are capped separately (MAX_FILE_BYTES). */
export const MAX_TEXT_CHARS = 1_000_000;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

const text = (max: number) => z.string().trim().min(1).max(max).superRefine(refineText);
const Language = z.string().trim().toLowerCase().regex(/^[a-z]{2}$/, "a two-letter ISO 639-1 code");
const Keywords = z.array(text(100)).max(50);

export const DocumentInput = z.object({
  title: text(300),
  content: z.string().min(1).max(MAX_TEXT_CHARS).superRefine(refineText),
  format: z.enum(["text", "markdown", "html"]).default("markdown").openapi({ description: "How `content` is written; default markdown" }),
  language: Language.optional().openapi({ description: "Detected from the text when omitted" }),
  category: text(100).optional(),
  kind: z.enum(KNOWLEDGE_KINDS).default("document").openapi({ description: "`article` for a KB article written in Parley" }),
  visibility: z.enum(KNOWLEDGE_VISIBILITIES).default("public").openapi({ description: "`internal` passages help agents but are never sent to customers" }),
  intent_keywords: Keywords.optional().openapi({ description: "How customers ask for this (KB articles); searched with the text" }),
});
export type DocumentInput = z.input<typeof DocumentInput>;

/** The non-file fields of a multipart upload. */
export const UploadFields = z.object({
  title: text(300).optional(),
  language: Language.optional(),
  category: text(100).optional(),
  visibility: z.enum(KNOWLEDGE_VISIBILITIES).default("public"),
});

export const DocumentPatch = z.object({
  title: text(300).optional(),
  content: z.string().min(1).max(MAX_TEXT_CHARS).superRefine(refineText).optional(),
  format: z.enum(["text", "markdown", "html"]).optional(),
  language: Language.nullable().optional(),
  category: text(100).nullable().optional(),
  visibility: z.enum(KNOWLEDGE_VISIBILITIES).optional(),
  intent_keywords: Keywords.optional(),
  is_active: z.boolean().optional().openapi({ description: "false deactivates: never searched or cited until reactivated" }),
});
export type DocumentPatch = z.infer<typeof DocumentPatch>;

export const DocumentSchema = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(KNOWLEDGE_KINDS),
    title: z.string(),
    format: z.enum(KNOWLEDGE_FORMATS),
    status: z.enum(KNOWLEDGE_STATUSES).openapi({ description: "processing → ready (searchable) or failed (see failure_reason)" }),
    failure_reason: z.string().nullable(),
    chunk_count: z.number().int(),
    language: z.string().nullable(),
    category: z.string().nullable(),
    visibility: z.enum(KNOWLEDGE_VISIBILITIES),
    intent_keywords: z.array(z.string()),
    is_active: z.boolean(),
    version: z.number().int(),
    original_filename: z.string().nullable(),
    file_type: z.string().nullable(),
    file_size_bytes: z.number().int().nullable(),
    query_count: z.number().int(),
    last_queried_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("KnowledgeDocument");
export type KnowledgeDocument = z.infer<typeof DocumentSchema>;

export const DocumentDetailSchema = DocumentSchema.extend({ content: z.string().nullable().openapi({ description: "The text as submitted (a PDF's extracted text once indexed)" }) }).openapi(
  "KnowledgeDocumentDetail",
);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toDocument(r: DocumentRow): KnowledgeDocument {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    format: r.format,
    status: r.status,
    failure_reason: r.failureReason,
    chunk_count: r.chunkCount,
    language: r.language,
    category: r.category,
    visibility: r.visibility,
    intent_keywords: r.intentKeywords,
    is_active: r.isActive,
    version: r.version,
    original_filename: r.originalFilename,
    file_type: r.fileType,
    file_size_bytes: r.fileSizeBytes,
    query_count: r.queryCount,
    last_queried_at: iso(r.lastQueriedAt),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export const SearchInput = z.object({
  query: text(1000),
  limit: z.number().int().min(1).max(50).default(10),
  mode: z.enum(SEARCH_MODES).default("hybrid"),
});
export type SearchInput = z.input<typeof SearchInput>;

export const SearchResultSchema = z
  .object({
    results: z.array(
      z.object({
        document_id: z.string().uuid(),
        chunk_id: z.string().uuid(),
        title: z.string(),
        heading: z.string().nullable(),
        snippet: z.string(),
        score: z.number(),
      }),
    ),
  })
  .openapi("KnowledgeSearchResults");
export type SearchResults = z.infer<typeof SearchResultSchema>;

export const AnswerInput = z.object({
  question: text(1000),
  language: Language.optional().openapi({ description: "The asker's language; detected from the question when omitted" }),
});
export type AnswerInput = z.infer<typeof AnswerInput>;

export const CitationSchema = z.object({ document_id: z.string().uuid(), chunk_id: z.string().uuid(), title: z.string(), snippet: z.string() });

export const AnswerSchema = z
  .object({
    answer: z.string().openapi({ description: "Empty when not confident" }),
    confident: z.boolean(),
    citations: z.array(CitationSchema),
    language: z.string().nullable(),
    source: z.string().openapi({ description: "`extractive` (offline) or the model provider that wrote it" }),
  })
  .openapi("KnowledgeAnswer");
export type AnswerResult = z.infer<typeof AnswerSchema>;
