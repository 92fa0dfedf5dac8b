import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const ROLES = ["owner", "admin", "supervisor", "agent", "viewer", "billing_admin"] as const;
export type Role = (typeof ROLES)[number];

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

/** A business workspace. Its own id is its tenant id, so RLS keys on `id` here. */
export const tenants = pgTable(
  "tenants",
  {
    id: uuid("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: ["active", "suspended"] }).notNull().default("active"),
    plan: text("plan").notNull().default("trial"),
    /** Which flow request signing secret is current (services/bot/http-port.ts derives it). */
    flowSigningGeneration: integer("flow_signing_generation").notNull().default(0),
    ...timestamps,
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("tenants_slug_key").on(t.slug),
    check("tenants_status_check", sql`${t.status} in ('active', 'suspended')`),
  ],
);

/** A person who can sign in. Global (one login, many workspaces); visible only through RLS policies. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name"),
    passwordHash: text("password_hash"),
    ...timestamps,
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    check("users_email_lower_check", sql`${t.email} = lower(${t.email})`),
  ],
);

export const tenantMembers = pgTable(
  "tenant_members",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    status: text("status", { enum: ["active", "invited"] }).notNull().default("active"),
    inviteTokenHash: text("invite_token_hash"),
    inviteExpiresAt: timestamp("invite_expires_at", { withTimezone: true }),
    invitedBy: uuid("invited_by"),
    ...timestamps,
    version: integer("version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("tenant_members_tenant_user_key").on(t.tenantId, t.userId),
    index("tenant_members_user_idx").on(t.userId),
    uniqueIndex("tenant_members_invite_token_key").on(t.inviteTokenHash),
    check("tenant_members_role_check", sql`${t.role} in ('owner','admin','supervisor','agent','viewer','billing_admin')`),
    check("tenant_members_status_check", sql`${t.status} in ('active', 'invited')`),
  ],
);
