import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";

/**
 * A tenant's customer. Identity fields are lists because one person writes from several channels
 * (seed 002's identity graph): any matching email, phone or external id resolves to the same contact.
 */
export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name"),
    emails: text("emails").array().notNull().default(sql`'{}'::text[]`),
    phones: text("phones").array().notNull().default(sql`'{}'::text[]`),
    /** Provider identities, e.g. `{"telegram": "1111111", "whatsapp": "16505551234"}`. */
    externalIds: jsonb("external_ids").$type<Record<string, string>>().notNull().default({}),
    language: text("language"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    // Millisecond precision: list cursors carry created_at through JavaScript Dates.
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    index("contacts_tenant_created_idx").on(t.tenantId, t.createdAt, t.id),
    index("contacts_emails_idx").using("gin", t.emails),
    index("contacts_phones_idx").using("gin", t.phones),
    index("contacts_external_ids_idx").using("gin", t.externalIds),
  ],
);
