-- Uploaded files stream to object storage (R2, KNOWLEDGE_FILES) and Postgres keeps the key; files kept
-- in Postgres before (and where no bucket is bound) stay readable. One of the two is always there.
ALTER TABLE "knowledge_files" ADD COLUMN IF NOT EXISTS "storage_key" text;
--> statement-breakpoint
ALTER TABLE "knowledge_files" ALTER COLUMN "bytes" DROP NOT NULL;
--> statement-breakpoint
ALTER TABLE "knowledge_files" DROP CONSTRAINT IF EXISTS "knowledge_files_stored_check";
--> statement-breakpoint
ALTER TABLE "knowledge_files" ADD CONSTRAINT "knowledge_files_stored_check" CHECK ("bytes" IS NOT NULL OR "storage_key" IS NOT NULL);
