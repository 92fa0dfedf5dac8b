CREATE TABLE "flows" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"published_version" integer,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flows_tenant_id_key" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "flow_versions" (
	"tenant_id" uuid NOT NULL,
	"flow_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "flow_versions_pkey" PRIMARY KEY("flow_id","version"),
	CONSTRAINT "flow_versions_status_check" CHECK ("flow_versions"."status" in ('draft','published','archived')),
	CONSTRAINT "flow_versions_version_check" CHECK ("flow_versions"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "flow_action_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"conversation_id" uuid,
	"flow_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"group_id" uuid,
	"node_id" text NOT NULL,
	"node_type" text NOT NULL,
	"outcome" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"duration_ms" integer,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "flows" ADD CONSTRAINT "flows_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "flow_versions" ADD CONSTRAINT "flow_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "flow_versions" ADD CONSTRAINT "flow_versions_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "flow_versions" ADD CONSTRAINT "flow_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "flow_action_logs" ADD CONSTRAINT "flow_action_logs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "flow_action_logs" ADD CONSTRAINT "flow_action_logs_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "flow_action_logs" ADD CONSTRAINT "flow_action_logs_version_fk" FOREIGN KEY ("flow_id","version") REFERENCES "public"."flow_versions"("flow_id","version") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "flows_one_default" ON "flows" USING btree ("tenant_id") WHERE is_default;
--> statement-breakpoint
CREATE INDEX "flows_tenant_created_idx" ON "flows" USING btree ("tenant_id","created_at","id");
--> statement-breakpoint
CREATE INDEX "flow_action_logs_conversation_idx" ON "flow_action_logs" USING btree ("tenant_id","conversation_id","created_at");
--> statement-breakpoint
CREATE INDEX "flow_action_logs_flow_idx" ON "flow_action_logs" USING btree ("flow_id","created_at");
--> statement-breakpoint
-- A channel may run its own flow. The reference includes tenant_id, so the database itself refuses a
-- channel naming another workspace's flow; deleting the flow falls back to the workspace default.
ALTER TABLE "channels" ADD COLUMN "flow_id" uuid;
--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_flow_fk" FOREIGN KEY ("tenant_id","flow_id") REFERENCES "public"."flows"("tenant_id","id") ON DELETE SET NULL ("flow_id");
--> statement-breakpoint
-- A version's definition never changes once it has been published (archived ones were published),
-- and such a version is never deleted: conversations that ran it must stay explainable. The service
-- refuses first; this is the floor under any code path that forgets.
CREATE OR REPLACE FUNCTION parley_flow_versions_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'flow version % of flow % was published and cannot be deleted', OLD.version, OLD.flow_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status <> 'draft' AND (NEW.definition IS DISTINCT FROM OLD.definition OR NEW.version <> OLD.version OR NEW.flow_id <> OLD.flow_id OR NEW.tenant_id <> OLD.tenant_id OR NEW.status = 'draft') THEN
    RAISE EXCEPTION 'flow version % of flow % was published and cannot change', OLD.version, OLD.flow_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER flow_versions_frozen BEFORE UPDATE OR DELETE ON flow_versions FOR EACH ROW EXECUTE FUNCTION parley_flow_versions_frozen();
--> statement-breakpoint
-- RLS and grants as for every tenant table (see 0001_rls.sql). Action logs are append-only for the app.
GRANT SELECT, INSERT, UPDATE, DELETE ON flows, flow_versions TO parley_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON flow_action_logs TO parley_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE flow_action_logs_id_seq TO parley_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['flows', 'flow_versions', 'flow_action_logs'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;
