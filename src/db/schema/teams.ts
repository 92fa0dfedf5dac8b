import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { conversations } from "./channels";
import { tenants, users } from "./tenancy";

// Seed 002 teams / assignments / internal_notes and seed 004 agents, made tenant-owned (0014).
// The composite (tenant_id, team_id) foreign keys are declared in the migration.

export const ROUTING_MODES = ["round_robin", "least_busy", "skill_based", "manual"] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];
export const AVAILABILITIES = ["online", "away", "offline"] as const;
export type Availability = (typeof AVAILABILITIES)[number];
export const ASSIGNED_BY = ["routing_engine", "manual", "escalation", "transfer", "reopen", "automation"] as const;
export type AssignedBy = (typeof ASSIGNED_BY)[number];

export const teams = pgTable(
  "teams",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    defaultSkills: text("default_skills").array().notNull().default(sql`'{}'::text[]`),
    routingMode: text("routing_mode", { enum: ROUTING_MODES }).notNull().default("round_robin"),
    escalationTeamId: uuid("escalation_team_id"),
    isActive: boolean("is_active").notNull().default(true),
    /** Round robin's durable cursor (see 0014). */
    rrCounter: bigint("rr_counter", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("teams_tenant_id_key").on(t.tenantId, t.id),
    check("teams_routing_mode_check", sql`${t.routingMode} in ('round_robin','least_busy','skill_based','manual')`),
  ],
);

export const teamMembers = pgTable(
  "team_members",
  {
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    teamId: uuid("team_id").notNull(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    rrSeq: bigint("rr_seq", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "team_members_pkey", columns: [t.teamId, t.userId] }), index("team_members_user_idx").on(t.tenantId, t.userId)],
);

/** Seed 004's agents: a member's skills, capacity (open conversations at most) and availability. */
export const agents = pgTable(
  "agents",
  {
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    skills: text("skills").array().notNull().default(sql`'{}'::text[]`),
    capacity: integer("capacity").notNull().default(10),
    availability: text("availability", { enum: AVAILABILITIES }).notNull().default("offline"),
    availabilityChangedAt: timestamp("availability_changed_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (t) => [primaryKey({ name: "agents_pkey", columns: [t.tenantId, t.userId] })],
);

export const assignments = pgTable(
  "assignments",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    teamId: uuid("team_id"),
    assignedBy: text("assigned_by", { enum: ASSIGNED_BY }).notNull(),
    assignedByUserId: uuid("assigned_by_user_id").references(() => users.id, { onDelete: "set null" }),
    reason: text("reason"),
    assignedAt: timestamp("assigned_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    unassignedAt: timestamp("unassigned_at", { withTimezone: true, precision: 3 }),
    unassignmentReason: text("unassignment_reason"),
  },
  (t) => [index("assignments_conversation_idx").on(t.tenantId, t.conversationId, t.assignedAt), uniqueIndex("assignments_active_key").on(t.conversationId).where(sql`unassigned_at is null`)],
);

/** Conversations waiting for an agent of a team (or of anyone, team null). */
export const routingQueue = pgTable("routing_queue", {
  conversationId: uuid("conversation_id").primaryKey().references(() => conversations.id, { onDelete: "cascade" }),
  tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
  teamId: uuid("team_id"),
  requiredSkills: text("required_skills").array().notNull().default(sql`'{}'::text[]`),
  reason: text("reason"),
  assignedBy: text("assigned_by", { enum: ASSIGNED_BY }).notNull().default("routing_engine"),
  enqueuedAt: timestamp("enqueued_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  relaxAt: timestamp("relax_at", { withTimezone: true }),
});

export const internalNotes = pgTable(
  "internal_notes",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    authorType: text("author_type").notNull().default("user"),
    content: text("content").notNull(),
    mentions: uuid("mentions").array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("internal_notes_conversation_idx").on(t.tenantId, t.conversationId, t.createdAt)],
);

export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["mention", "assignment"] }).notNull(),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    noteId: uuid("note_id").references(() => internalNotes.id, { onDelete: "cascade" }),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    readAt: timestamp("read_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("notifications_user_idx").on(t.tenantId, t.userId, t.createdAt)],
);
