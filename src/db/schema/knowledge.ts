import { boolean, customType, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, bigint } from "drizzle-orm/pg-core";
import { conversations } from "./channels";
import { tenants, users } from "./tenancy";

// Knowledge (seeds 000 documents/document_chunks, 001 query analytics, 002 KB articles), tenant-owned.
// The full-text vector and bytes columns are written with SQL (migrations/0013_knowledge.sql).

export const KNOWLEDGE_FORMATS = ["text", "markdown", "html", "pdf"] as const;
export type KnowledgeFormat = (typeof KNOWLEDGE_FORMATS)[number];
export const KNOWLEDGE_STATUSES = ["processing", "ready", "failed"] as const;
export type KnowledgeStatus = (typeof KNOWLEDGE_STATUSES)[number];
export const KNOWLEDGE_VISIBILITIES = ["public", "internal"] as const;
export type KnowledgeVisibility = (typeof KNOWLEDGE_VISIBILITIES)[number];
export const KNOWLEDGE_KINDS = ["document", "article"] as const;

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
const bytea = customType<{ data: Uint8Array }>({ dataType: () => "bytea" });

export const knowledgeDocuments = pgTable(
  "knowledge_documents",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: KNOWLEDGE_KINDS }).notNull().default("document"),
    title: text("title").notNull(),
    format: text("format", { enum: KNOWLEDGE_FORMATS }).notNull(),
    originalFilename: text("original_filename"),
    fileType: text("file_type"),
    fileSizeBytes: integer("file_size_bytes"),
    contentRaw: text("content_raw"),
    language: text("language"),
    category: text("category"),
    visibility: text("visibility", { enum: KNOWLEDGE_VISIBILITIES }).notNull().default("public"),
    intentKeywords: text("intent_keywords").array().notNull().default([]),
    status: text("status", { enum: KNOWLEDGE_STATUSES }).notNull().default("processing"),
    failureReason: text("failure_reason"),
    chunkCount: integer("chunk_count").notNull().default(0),
    version: integer("version").notNull().default(1),
    indexedVersion: integer("indexed_version"),
    isActive: boolean("is_active").notNull().default(true),
    uploadedBy: uuid("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    lastQueriedAt: timestamp("last_queried_at", { withTimezone: true }),
    queryCount: integer("query_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("knowledge_documents_tenant_created_idx").on(t.tenantId, t.createdAt, t.id)],
);

export const knowledgeFiles = pgTable(
  "knowledge_files",
  {
    documentId: uuid("document_id").notNull().references(() => knowledgeDocuments.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    /** Null when the file is in object storage under `storageKey` (migration 0020). */
    bytes: bytea("bytes"),
    storageKey: text("storage_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.version] })],
);

export const knowledgeChunks = pgTable(
  "knowledge_chunks",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    documentId: uuid("document_id").notNull().references(() => knowledgeDocuments.id, { onDelete: "cascade" }),
    documentVersion: integer("document_version").notNull(),
    chunkIndex: integer("chunk_index").notNull(),
    heading: text("heading"),
    content: text("content").notNull(),
    tokenCount: integer("token_count").notNull(),
    tsConfig: text("ts_config").notNull(),
    tsv: tsvector("tsv").notNull(),
    metadata: jsonb("metadata").notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("knowledge_chunks_document_idx").on(t.tenantId, t.documentId, t.chunkIndex)],
);

export const knowledgeVectors = pgTable(
  "knowledge_vectors",
  {
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    namespace: text("namespace").notNull(),
    id: text("id").notNull(),
    values: bytea("values").notNull(),
    metadata: jsonb("metadata").notNull().default({}),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.namespace, t.id] })],
);

export const knowledgeVectorGenerations = pgTable(
  "knowledge_vector_generations",
  {
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    namespace: text("namespace").notNull(),
    generation: bigint("generation", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.namespace] })],
);

export const knowledgeQueries = pgTable("knowledge_queries", {
  id: uuid("id").primaryKey(),
  tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
  conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
  source: text("source").notNull(),
  channel: text("channel"),
  kind: text("kind", { enum: ["search", "answer"] }).notNull(),
  mode: text("mode").notNull(),
  queryTextRaw: text("query_text_raw").notNull(),
  queryTextNormalized: text("query_text_normalized").notNull(),
  detectedLanguage: text("detected_language").notNull(),
  resultCount: integer("result_count").notNull(),
  topScore: doublePrecision("top_score"),
  confident: boolean("confident"),
  answered: boolean("answered").notNull().default(false),
  documentIds: uuid("document_ids").array().notNull().default([]),
  chunkIds: uuid("chunk_ids").array().notNull().default([]),
  processingLatencyMs: integer("processing_latency_ms").notNull(),
  metadata: jsonb("metadata").notNull().default({}),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
