-- The conversation brain: what each inbound message was understood as, and the bot's place in each conversation.
CREATE TABLE IF NOT EXISTS "message_annotations" (
	"message_id" uuid PRIMARY KEY NOT NULL REFERENCES "messages"("id") ON DELETE CASCADE,
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"conversation_id" uuid NOT NULL REFERENCES "conversations"("id") ON DELETE CASCADE,
	"language" text NOT NULL,
	"intent" text NOT NULL,
	"sentiment_score" real NOT NULL,
	"sentiment_label" text NOT NULL,
	"urgency" real NOT NULL,
	"priority" text NOT NULL,
	"entities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source" text NOT NULL,
	-- Seed 002's human correction: what the annotator said is kept beside what the agent said it was.
	"original" jsonb,
	"corrected_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"corrected_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_annotations_priority_check" CHECK ("priority" in ('P0','P1','P2','P3')),
	CONSTRAINT "message_annotations_sentiment_check" CHECK ("sentiment_label" in ('positive','neutral','negative','angry'))
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "message_annotations_conversation_idx" ON "message_annotations" ("tenant_id", "conversation_id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "message_annotations_corrected_idx" ON "message_annotations" ("tenant_id", "corrected_at") WHERE corrected_at IS NOT NULL;
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN IF NOT EXISTS "language" text;
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN IF NOT EXISTS "intent" text;
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN IF NOT EXISTS "sentiment_label" text;
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN IF NOT EXISTS "sentiment_score" real;
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN IF NOT EXISTS "priority" text;
--> statement-breakpoint
-- An agent's reply or assignment pauses the bot here (bot and human never talk over each other).
ALTER TABLE "conversations" ADD COLUMN IF NOT EXISTS "bot_paused_at" timestamp with time zone;
--> statement-breakpoint
-- The flow version this conversation runs: pinned when its first group is answered.
ALTER TABLE "conversations" ADD COLUMN IF NOT EXISTS "flow_id" uuid;
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN IF NOT EXISTS "flow_version" integer;
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN IF NOT EXISTS "escalation_summary" text;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "conversations_priority_idx" ON "conversations" ("tenant_id", "priority", "last_message_at");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON message_annotations TO parley_app;
--> statement-breakpoint
ALTER TABLE message_annotations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE message_annotations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON message_annotations;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON message_annotations
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
