-- SLA policies, each conversation's SLA clock, the warnings and breaches fired (the durable
-- exactly-once claim), automation rules, their runs, and their cooldown claims.
CREATE TABLE "sla_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"first_response_s" integer NOT NULL,
	"next_response_s" integer,
	"resolution_s" integer,
	"warning_pct" integer DEFAULT 80 NOT NULL,
	"business_hours" jsonb,
	"overrides" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"match" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"rank" integer DEFAULT 100 NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "sla_policies_targets_check" CHECK ("first_response_s" > 0 AND coalesce("next_response_s", 1) > 0 AND coalesce("resolution_s", 1) > 0),
	CONSTRAINT "sla_policies_warning_check" CHECK ("warning_pct" between 1 and 99)
);
--> statement-breakpoint
CREATE TABLE "conversation_slas" (
	"conversation_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"policy_id" uuid,
	"targets" jsonb NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"paused_at" timestamp (3) with time zone,
	"paused_ms" bigint DEFAULT 0 NOT NULL,
	"snoozed_until" timestamp (3) with time zone,
	"first_response_due_at" timestamp (3) with time zone,
	"next_response_due_at" timestamp (3) with time zone,
	"resolution_due_at" timestamp (3) with time zone,
	"next_check_at" timestamp (3) with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"policy_id" uuid,
	"metric" text NOT NULL,
	"kind" text NOT NULL,
	"cycle" text NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"fired_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sla_events_metric_check" CHECK ("metric" in ('first_response','next_response','resolution')),
	CONSTRAINT "sla_events_kind_check" CHECK ("kind" in ('warning','breached'))
);
--> statement-breakpoint
CREATE TABLE "automation_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"trigger" text NOT NULL,
	"conditions" jsonb,
	"actions" jsonb NOT NULL,
	"priority" integer DEFAULT 100 NOT NULL,
	"stop_processing" boolean DEFAULT false NOT NULL,
	"cooldown_s" integer DEFAULT 0 NOT NULL,
	"cooldown_key" text DEFAULT 'conversation' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"signing_secret" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "automation_rules_cooldown_check" CHECK ("cooldown_s" >= 0),
	CONSTRAINT "automation_rules_cooldown_key_check" CHECK ("cooldown_key" in ('conversation','contact','rule'))
);
--> statement-breakpoint
CREATE TABLE "automation_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"conversation_id" uuid,
	"status" text NOT NULL,
	"actions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "automation_runs_status_check" CHECK ("status" in ('succeeded','failed','cooldown','stopped'))
);
--> statement-breakpoint
CREATE TABLE "automation_cooldowns" (
	"rule_id" uuid NOT NULL,
	"key" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"until" timestamp (3) with time zone NOT NULL,
	"event_id" text NOT NULL,
	CONSTRAINT "automation_cooldowns_pk" PRIMARY KEY ("rule_id","key")
);
--> statement-breakpoint
CREATE TABLE "conversation_labels" (
	"conversation_id" uuid NOT NULL,
	"label" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversation_labels_pk" PRIMARY KEY ("conversation_id","label")
);
--> statement-breakpoint
ALTER TABLE "conversation_labels" ADD CONSTRAINT "conversation_labels_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_labels" ADD CONSTRAINT "conversation_labels_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_slas" ADD CONSTRAINT "conversation_slas_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_slas" ADD CONSTRAINT "conversation_slas_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_slas" ADD CONSTRAINT "conversation_slas_policy_id_sla_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."sla_policies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_events" ADD CONSTRAINT "sla_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_events" ADD CONSTRAINT "sla_events_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_events" ADD CONSTRAINT "sla_events_policy_id_sla_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."sla_policies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_rules" ADD CONSTRAINT "automation_rules_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_runs" ADD CONSTRAINT "automation_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_runs" ADD CONSTRAINT "automation_runs_rule_id_automation_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."automation_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_cooldowns" ADD CONSTRAINT "automation_cooldowns_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_cooldowns" ADD CONSTRAINT "automation_cooldowns_rule_id_automation_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."automation_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sla_policies_tenant_idx" ON "sla_policies" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
-- At most one default policy per workspace.
CREATE UNIQUE INDEX "sla_policies_default_key" ON "sla_policies" USING btree ("tenant_id") WHERE is_default;--> statement-breakpoint
CREATE INDEX "conversation_slas_policy_idx" ON "conversation_slas" USING btree ("policy_id");--> statement-breakpoint
-- The durable claim: each warning and each breach of one clock cycle is recorded (and fired) once.
CREATE UNIQUE INDEX "sla_events_once_key" ON "sla_events" USING btree ("conversation_id","metric","kind","cycle");--> statement-breakpoint
CREATE INDEX "sla_events_tenant_idx" ON "sla_events" USING btree ("tenant_id","fired_at");--> statement-breakpoint
CREATE INDEX "automation_rules_trigger_idx" ON "automation_rules" USING btree ("tenant_id","trigger","priority");--> statement-breakpoint
-- A rule runs at most once per event, however often the event is delivered.
CREATE UNIQUE INDEX "automation_runs_once_key" ON "automation_runs" USING btree ("rule_id","event_id");--> statement-breakpoint
CREATE INDEX "automation_runs_rule_idx" ON "automation_runs" USING btree ("rule_id","created_at","id");--> statement-breakpoint
-- RLS and grants for the tables above, as in 0001_rls.sql: the app role reads and writes only the
-- current tenant's rows, and even the table owner is held to the policy (FORCE).
GRANT SELECT, INSERT, UPDATE, DELETE ON sla_policies, conversation_slas, sla_events, automation_rules, automation_runs, automation_cooldowns, conversation_labels TO parley_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['sla_policies', 'conversation_slas', 'sla_events', 'automation_rules', 'automation_runs', 'automation_cooldowns', 'conversation_labels'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;
