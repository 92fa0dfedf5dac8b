-- Teams, agents' routing profile, assignment history, the waiting queue, internal notes and inbox
-- notifications (seed 002 teams / assignments / internal_notes, seed 004 agents). Cross-row references
-- carry the tenant in composite foreign keys, so no row can point at another workspace's team even if a
-- service check were missed.
CREATE TABLE IF NOT EXISTS "teams" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"name" text NOT NULL,
	"description" text,
	"default_skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"routing_mode" text DEFAULT 'round_robin' NOT NULL,
	"escalation_team_id" uuid,
	"is_active" boolean DEFAULT true NOT NULL,
	-- Round robin's cursor lives here, not in memory: each assignment takes the next number under the
	-- team row's lock, so fairness holds across restarts, isolates and concurrent assignments.
	"rr_counter" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "teams_routing_mode_check" CHECK ("routing_mode" in ('round_robin','least_busy','skill_based','manual')),
	CONSTRAINT "teams_not_own_escalation" CHECK ("escalation_team_id" IS DISTINCT FROM "id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "teams_tenant_id_key" ON "teams" ("tenant_id", "id");
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "teams_tenant_name_key" ON "teams" ("tenant_id", lower("name"));
--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_escalation_team_fk" FOREIGN KEY ("tenant_id", "escalation_team_id") REFERENCES "teams"("tenant_id", "id") ON DELETE SET NULL ("escalation_team_id");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "team_members" (
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"team_id" uuid NOT NULL,
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	-- The team's rr_counter value at this member's last round-robin pick (0: never picked).
	"rr_seq" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_members_pkey" PRIMARY KEY ("team_id", "user_id"),
	CONSTRAINT "team_members_team_fk" FOREIGN KEY ("tenant_id", "team_id") REFERENCES "teams"("tenant_id", "id") ON DELETE CASCADE
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "team_members_user_idx" ON "team_members" ("tenant_id", "user_id");
--> statement-breakpoint
-- Seed 004's agents: one routing profile per member of a workspace.
CREATE TABLE IF NOT EXISTS "agents" (
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"capacity" integer DEFAULT 10 NOT NULL,
	"availability" text DEFAULT 'offline' NOT NULL,
	"availability_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "agents_pkey" PRIMARY KEY ("tenant_id", "user_id"),
	CONSTRAINT "agents_availability_check" CHECK ("availability" in ('online','away','offline')),
	CONSTRAINT "agents_capacity_check" CHECK ("capacity" between 0 and 1000)
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN IF NOT EXISTS "team_id" uuid;
--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_team_fk" FOREIGN KEY ("tenant_id", "team_id") REFERENCES "teams"("tenant_id", "id") ON DELETE SET NULL ("team_id");
--> statement-breakpoint
-- An agent's open load, counted on every routing decision.
CREATE INDEX IF NOT EXISTS "conversations_assignee_open_idx" ON "conversations" ("tenant_id", "assignee_id") WHERE state <> 'resolved' AND assignee_id IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "conversations_team_idx" ON "conversations" ("tenant_id", "team_id") WHERE state <> 'resolved';
--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN IF NOT EXISTS "default_team_id" uuid;
--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_default_team_fk" FOREIGN KEY ("tenant_id", "default_team_id") REFERENCES "teams"("tenant_id", "id") ON DELETE SET NULL ("default_team_id");
--> statement-breakpoint
-- A new conversation belongs to its channel's default team from its first row on, whichever path
-- created it (webhook, widget, email, replay). Runs as the inserting role, so RLS still applies.
CREATE OR REPLACE FUNCTION conversations_default_team() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.team_id IS NULL THEN
    SELECT c.default_team_id INTO NEW.team_id FROM channels c WHERE c.id = NEW.channel_id AND c.tenant_id = NEW.tenant_id;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS "conversations_default_team" ON "conversations";
--> statement-breakpoint
CREATE TRIGGER "conversations_default_team" BEFORE INSERT ON "conversations" FOR EACH ROW EXECUTE FUNCTION conversations_default_team();
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "assignments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"conversation_id" uuid NOT NULL REFERENCES "conversations"("id") ON DELETE CASCADE,
	"agent_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"team_id" uuid,
	"assigned_by" text NOT NULL,
	"assigned_by_user_id" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"reason" text,
	"assigned_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"unassigned_at" timestamp (3) with time zone,
	"unassignment_reason" text,
	CONSTRAINT "assignments_assigned_by_check" CHECK ("assigned_by" in ('routing_engine','manual','escalation','transfer','reopen','automation')),
	CONSTRAINT "assignments_team_fk" FOREIGN KEY ("tenant_id", "team_id") REFERENCES "teams"("tenant_id", "id") ON DELETE SET NULL ("team_id")
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "assignments_conversation_idx" ON "assignments" ("tenant_id", "conversation_id", "assigned_at");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "assignments_agent_idx" ON "assignments" ("tenant_id", "agent_id", "assigned_at");
--> statement-breakpoint
-- At most one open assignment per conversation: the history cannot fork under concurrency.
CREATE UNIQUE INDEX IF NOT EXISTS "assignments_active_key" ON "assignments" ("conversation_id") WHERE unassigned_at IS NULL;
--> statement-breakpoint
-- Conversations waiting for an agent: most urgent, then oldest, first. Skill needs relax at relax_at.
CREATE TABLE IF NOT EXISTS "routing_queue" (
	"conversation_id" uuid PRIMARY KEY NOT NULL REFERENCES "conversations"("id") ON DELETE CASCADE,
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"team_id" uuid,
	"required_skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"reason" text,
	"assigned_by" text DEFAULT 'routing_engine' NOT NULL,
	"enqueued_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"relax_at" timestamp with time zone,
	CONSTRAINT "routing_queue_team_fk" FOREIGN KEY ("tenant_id", "team_id") REFERENCES "teams"("tenant_id", "id") ON DELETE CASCADE
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "routing_queue_team_idx" ON "routing_queue" ("tenant_id", "team_id", "enqueued_at");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "internal_notes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"conversation_id" uuid NOT NULL REFERENCES "conversations"("id") ON DELETE CASCADE,
	"author_id" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"author_type" text DEFAULT 'user' NOT NULL,
	"content" text NOT NULL,
	"mentions" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "internal_notes_content_check" CHECK (length("content") between 1 and 10000)
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "internal_notes_conversation_idx" ON "internal_notes" ("tenant_id", "conversation_id", "created_at");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"kind" text NOT NULL,
	"conversation_id" uuid REFERENCES "conversations"("id") ON DELETE CASCADE,
	"note_id" uuid REFERENCES "internal_notes"("id") ON DELETE CASCADE,
	"actor_id" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"body" text NOT NULL,
	"read_at" timestamp with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_kind_check" CHECK ("kind" in ('mention','assignment'))
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "notifications_user_idx" ON "notifications" ("tenant_id", "user_id", "created_at");
--> statement-breakpoint
-- RLS and grants for the tables above, as in 0007: the app role reads and writes only the current
-- tenant's rows, and even the table owner is held to the policy (FORCE); no tenant set sees nothing.
GRANT SELECT, INSERT, UPDATE, DELETE ON teams, team_members, agents, assignments, routing_queue, internal_notes, notifications TO parley_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['teams', 'team_members', 'agents', 'assignments', 'routing_queue', 'internal_notes', 'notifications'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;
