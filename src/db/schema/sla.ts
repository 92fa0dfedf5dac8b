import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { conversations } from "./channels";
import { tenants } from "./tenancy";

// Data designs from seed 002 (slas, automation_rules, resolutions' SLA clock), made tenant-owned.

export const SLA_METRICS = ["first_response", "next_response", "resolution"] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

/** Business hours as stored (see src/sla/business-hours.ts). */
export interface StoredBusinessHours {
  timezone: string;
  weekly: Array<{ day: "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun"; open: string; close: string }>;
  holidays?: string[];
}

export interface SlaOverride {
  channel_type?: string;
  priority?: string;
  first_response_s?: number;
  next_response_s?: number;
  resolution_s?: number;
}

/** Which conversations a policy is for; an empty list (or none) matches anything. */
export interface SlaMatch {
  channel_types?: string[];
  priorities?: string[];
  team_ids?: string[];
  contact_tiers?: string[];
}

/** The targets a conversation's clock runs on, resolved from its policy and overrides when chosen. */
export interface SlaTargets {
  first_response_s: number;
  next_response_s: number | null;
  resolution_s: number | null;
  warning_pct: number;
  business_hours: StoredBusinessHours | null;
  /** What the policy was chosen by (priority, team, ...): a change re-chooses it. */
  selected_for?: string;
}

export const slaPolicies = pgTable(
  "sla_policies",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    firstResponseS: integer("first_response_s").notNull(),
    nextResponseS: integer("next_response_s"),
    resolutionS: integer("resolution_s"),
    warningPct: integer("warning_pct").notNull().default(80),
    businessHours: jsonb("business_hours").$type<StoredBusinessHours | null>(),
    overrides: jsonb("overrides").$type<SlaOverride[]>().notNull().default([]),
    match: jsonb("match").$type<SlaMatch>().notNull().default({}),
    rank: integer("rank").notNull().default(100),
    isDefault: boolean("is_default").notNull().default(false),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    index("sla_policies_tenant_idx").on(t.tenantId, t.createdAt, t.id),
    uniqueIndex("sla_policies_default_key").on(t.tenantId).where(sql`is_default`),
    check("sla_policies_targets_check", sql`${t.firstResponseS} > 0 AND coalesce(${t.nextResponseS}, 1) > 0 AND coalesce(${t.resolutionS}, 1) > 0`),
    check("sla_policies_warning_check", sql`${t.warningPct} between 1 and 99`),
  ],
);

/**
 * One conversation's SLA clock. Due times are kept for ordering and reports; what the API shows is
 * recomputed from these facts and the conversation on every read (see src/services/sla/clock.ts).
 */
export const conversationSlas = pgTable(
  "conversation_slas",
  {
    conversationId: uuid("conversation_id").primaryKey().references(() => conversations.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    policyId: uuid("policy_id").references(() => slaPolicies.id, { onDelete: "set null" }),
    targets: jsonb("targets").$type<SlaTargets>().notNull(),
    startedAt: timestamp("started_at", { withTimezone: true, precision: 3 }).notNull(),
    /** Set while the conversation waits on the customer (or is snoozed): the clocks stand still. */
    pausedAt: timestamp("paused_at", { withTimezone: true, precision: 3 }),
    /** Business milliseconds spent paused so far, added to the first-response and resolution targets. */
    pausedMs: bigint("paused_ms", { mode: "number" }).notNull().default(0),
    snoozedUntil: timestamp("snoozed_until", { withTimezone: true, precision: 3 }),
    firstResponseDueAt: timestamp("first_response_due_at", { withTimezone: true, precision: 3 }),
    nextResponseDueAt: timestamp("next_response_due_at", { withTimezone: true, precision: 3 }),
    resolutionDueAt: timestamp("resolution_due_at", { withTimezone: true, precision: 3 }),
    /** The next warning, breach or snooze end the thread object's alarm should wake for. */
    nextCheckAt: timestamp("next_check_at", { withTimezone: true, precision: 3 }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("conversation_slas_policy_idx").on(t.policyId)],
);

/** Warnings and breaches fired: the unique key is the exactly-once claim. */
export const slaEvents = pgTable(
  "sla_events",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    policyId: uuid("policy_id").references(() => slaPolicies.id, { onDelete: "set null" }),
    metric: text("metric", { enum: SLA_METRICS }).notNull(),
    kind: text("kind", { enum: ["warning", "breached"] }).notNull(),
    /** Which run of the clock: "0" for first response and resolution, the customer message's time for next response. */
    cycle: text("cycle").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true, precision: 3 }).notNull(),
    firedAt: timestamp("fired_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sla_events_once_key").on(t.conversationId, t.metric, t.kind, t.cycle),
    index("sla_events_tenant_idx").on(t.tenantId, t.firedAt),
    check("sla_events_metric_check", sql`${t.metric} in ('first_response','next_response','resolution')`),
    check("sla_events_kind_check", sql`${t.kind} in ('warning','breached')`),
  ],
);

export const AUTOMATION_TRIGGERS = [
  "message.received",
  "conversation.created",
  "conversation.state_changed",
  "conversation.assigned",
  "sla.warning",
  "sla.breached",
  "customer.updated",
] as const;
export type AutomationTrigger = (typeof AUTOMATION_TRIGGERS)[number];
export const COOLDOWN_KEYS = ["conversation", "contact", "rule"] as const;

export const automationRules = pgTable(
  "automation_rules",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    trigger: text("trigger", { enum: AUTOMATION_TRIGGERS }).notNull(),
    conditions: jsonb("conditions").$type<unknown>(),
    actions: jsonb("actions").$type<Array<Record<string, unknown>>>().notNull(),
    /** Lower runs first (seed 002). */
    priority: integer("priority").notNull().default(100),
    stopProcessing: boolean("stop_processing").notNull().default(false),
    cooldownS: integer("cooldown_s").notNull().default(0),
    cooldownKey: text("cooldown_key", { enum: COOLDOWN_KEYS }).notNull().default("conversation"),
    enabled: boolean("enabled").notNull().default(true),
    /** Signs the rule's webhooks (HMAC-SHA256); shown once, when the rule is created. */
    signingSecret: text("signing_secret").notNull(),
    createdBy: uuid("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    index("automation_rules_trigger_idx").on(t.tenantId, t.trigger, t.priority),
    check("automation_rules_cooldown_check", sql`${t.cooldownS} >= 0`),
    check("automation_rules_cooldown_key_check", sql`${t.cooldownKey} in ('conversation','contact','rule')`),
  ],
);

export const AUTOMATION_RUN_STATUSES = ["succeeded", "failed", "cooldown", "stopped"] as const;

export const automationRuns = pgTable(
  "automation_runs",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    ruleId: uuid("rule_id").notNull().references(() => automationRules.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    conversationId: uuid("conversation_id"),
    status: text("status", { enum: AUTOMATION_RUN_STATUSES }).notNull(),
    actions: jsonb("actions").$type<Array<Record<string, unknown>>>().notNull().default([]),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("automation_runs_once_key").on(t.ruleId, t.eventId),
    index("automation_runs_rule_idx").on(t.ruleId, t.createdAt, t.id),
    check("automation_runs_status_check", sql`${t.status} in ('succeeded','failed','cooldown','stopped')`),
  ],
);

export const automationCooldowns = pgTable(
  "automation_cooldowns",
  {
    ruleId: uuid("rule_id").notNull().references(() => automationRules.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    until: timestamp("until", { withTimezone: true, precision: 3 }).notNull(),
    eventId: text("event_id").notNull(),
  },
  (t) => [primaryKey({ name: "automation_cooldowns_pk", columns: [t.ruleId, t.key] })],
);

/** Labels on a conversation (an automation's `add_label`). */
export const conversationLabels = pgTable(
  "conversation_labels",
  {
    conversationId: uuid("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    label: text("label").notNull(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "conversation_labels_pk", columns: [t.conversationId, t.label] })],
);
