import { sql } from "drizzle-orm";
import { bigserial, boolean, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { conversations } from "./channels";
import { tenants, users } from "./tenancy";

/**
 * A bot flow (seed 001's chatbot + chatbot_flows): the name and which version runs. The definitions
 * live in `flow_versions`; `published_version` is the one new conversations run.
 */
export const flows = pgTable(
  "flows",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    publishedVersion: integer("published_version"),
    /** The workspace's default: what every channel without its own flow runs. At most one per tenant. */
    isDefault: boolean("is_default").notNull().default(false),
    // Millisecond precision: list cursors carry created_at through JavaScript Dates.
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // (tenant_id, id) is what channels.flow_id references, so a channel can only name its own tenant's flow.
    unique("flows_tenant_id_key").on(t.tenantId, t.id),
    uniqueIndex("flows_one_default").on(t.tenantId).where(sql`is_default`),
    index("flows_tenant_created_idx").on(t.tenantId, t.createdAt, t.id),
  ],
);

export const FLOW_VERSION_STATUSES = ["draft", "published", "archived"] as const;
export type FlowVersionStatus = (typeof FLOW_VERSION_STATUSES)[number];

/**
 * Every saved definition of a flow, numbered from 1. A version is never edited: a change is a new
 * draft. Once published its definition is frozen (a trigger refuses the update), so a conversation
 * that started on version 3 can always be replayed against exactly what it ran.
 */
export const flowVersions = pgTable(
  "flow_versions",
  {
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    flowId: uuid("flow_id").notNull().references(() => flows.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    definition: jsonb("definition").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: FLOW_VERSION_STATUSES }).notNull().default("draft"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ name: "flow_versions_pkey", columns: [t.flowId, t.version] }),
    check("flow_versions_status_check", sql`${t.status} in ('draft','published','archived')`),
    check("flow_versions_version_check", sql`${t.version} >= 1`),
  ],
);

/** One row per step a flow took for a message group (seed 001's flow_action_logs). */
export const flowActionLogs = pgTable(
  "flow_action_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    flowId: uuid("flow_id").notNull(),
    version: integer("version").notNull(),
    groupId: uuid("group_id"),
    nodeId: text("node_id").notNull(),
    nodeType: text("node_type").notNull(),
    outcome: text("outcome").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    durationMs: integer("duration_ms"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: "flow_action_logs_version_fk", columns: [t.flowId, t.version], foreignColumns: [flowVersions.flowId, flowVersions.version] }).onDelete("cascade"),
    index("flow_action_logs_conversation_idx").on(t.tenantId, t.conversationId, t.createdAt),
    index("flow_action_logs_flow_idx").on(t.flowId, t.createdAt),
  ],
);
