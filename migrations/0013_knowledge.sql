-- Knowledge: a workspace's documents and KB articles (seeds 000 documents/document_chunks, 002
-- knowledge_base_articles), their chunks with full-text vectors, the exact local vector index used when
-- Vectorize is not configured, uploaded source files, and the query analytics log (seed 001).
CREATE TABLE IF NOT EXISTS "knowledge_documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	-- A pasted/uploaded document, or a KB article written in Parley.
	"kind" text DEFAULT 'document' NOT NULL,
	"title" text NOT NULL,
	"format" text NOT NULL,
	"original_filename" text,
	"file_type" text,
	"file_size_bytes" integer,
	-- The text as submitted (text, Markdown, HTML); a PDF's extracted text once indexed.
	"content_raw" text,
	"language" text,
	"category" text,
	"visibility" text DEFAULT 'public' NOT NULL,
	"intent_keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'processing' NOT NULL,
	"failure_reason" text,
	"chunk_count" integer DEFAULT 0 NOT NULL,
	-- Every content change is a new version; the pipeline indexes exactly one version and ignores stale events.
	"version" integer DEFAULT 1 NOT NULL,
	"indexed_version" integer,
	"is_active" boolean DEFAULT true NOT NULL,
	"uploaded_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"last_queried_at" timestamp with time zone,
	"query_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_documents_kind_check" CHECK ("kind" in ('document','article')),
	CONSTRAINT "knowledge_documents_format_check" CHECK ("format" in ('text','markdown','html','pdf')),
	CONSTRAINT "knowledge_documents_visibility_check" CHECK ("visibility" in ('public','internal')),
	CONSTRAINT "knowledge_documents_status_check" CHECK ("status" in ('processing','ready','failed'))
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "knowledge_documents_tenant_created_idx" ON "knowledge_documents" ("tenant_id", "created_at", "id");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "knowledge_files" (
	"document_id" uuid NOT NULL REFERENCES "knowledge_documents"("id") ON DELETE CASCADE,
	"version" integer NOT NULL,
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"bytes" bytea NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	PRIMARY KEY ("document_id", "version")
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "knowledge_chunks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"document_id" uuid NOT NULL REFERENCES "knowledge_documents"("id") ON DELETE CASCADE,
	"document_version" integer NOT NULL,
	"chunk_index" integer NOT NULL,
	-- The section path the chunk sits under ("Returns › Refund timing"), searched with the text.
	"heading" text,
	"content" text NOT NULL,
	"token_count" integer NOT NULL,
	-- The text-search configuration of the document's language (english, spanish, …, simple).
	"ts_config" text NOT NULL,
	"tsv" tsvector NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "knowledge_chunks_tsv_idx" ON "knowledge_chunks" USING gin ("tsv");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "knowledge_chunks_document_idx" ON "knowledge_chunks" ("tenant_id", "document_id", "chunk_index");
--> statement-breakpoint
-- The exact local vector index (offline stand-in for Vectorize): one row per vector, a namespace per workspace.
CREATE TABLE IF NOT EXISTS "knowledge_vectors" (
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"namespace" text NOT NULL,
	"id" text NOT NULL,
	"values" bytea NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	PRIMARY KEY ("tenant_id", "namespace", "id")
);
--> statement-breakpoint
-- Bumped on every change to a namespace, so an isolate knows when its in-memory copy is stale.
CREATE TABLE IF NOT EXISTS "knowledge_vector_generations" (
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"namespace" text NOT NULL,
	"generation" bigint DEFAULT 0 NOT NULL,
	PRIMARY KEY ("tenant_id", "namespace")
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "knowledge_queries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"conversation_id" uuid REFERENCES "conversations"("id") ON DELETE SET NULL,
	-- Where it was asked: api, page, assist, bot.
	"source" text NOT NULL,
	"channel" text,
	"kind" text NOT NULL,
	"mode" text NOT NULL,
	"query_text_raw" text NOT NULL,
	"query_text_normalized" text NOT NULL,
	"detected_language" text NOT NULL,
	"result_count" integer NOT NULL,
	"top_score" double precision,
	"confident" boolean,
	"answered" boolean DEFAULT false NOT NULL,
	"document_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"chunk_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"processing_latency_ms" integer NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_queries_kind_check" CHECK ("kind" in ('search','answer')),
	CONSTRAINT "knowledge_queries_latency_check" CHECK ("processing_latency_ms" >= 0)
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "knowledge_queries_tenant_created_idx" ON "knowledge_queries" ("tenant_id", "created_at" DESC);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON knowledge_documents, knowledge_files, knowledge_chunks, knowledge_vectors, knowledge_vector_generations, knowledge_queries TO parley_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['knowledge_documents', 'knowledge_files', 'knowledge_chunks', 'knowledge_vectors', 'knowledge_vector_generations', 'knowledge_queries'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;
