import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, pgTable, text, time, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts";
import { conversations } from "./channels";
import { tenants, users } from "./tenancy";

// Data designs from seed 000 (tickets, reservations, escalations, call summaries), made tenant-owned.

export const TICKET_STATUSES = ["open", "pending", "resolved", "closed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** The same P0 (most urgent) … P3 scale the understanding annotations use. */
export const TICKET_PRIORITIES = ["P0", "P1", "P2", "P3"] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/**
 * One row per workspace holding the last ticket number handed out. Incrementing it with an upsert
 * takes the row lock, so concurrent creations get consecutive numbers and never the same one; a
 * rolled-back creation rolls its number back too (no gaps from failed requests).
 */
export const ticketCounters = pgTable("ticket_counters", {
  tenantId: uuid("tenant_id").primaryKey().references(() => tenants.id, { onDelete: "cascade" }),
  lastNumber: integer("last_number").notNull(),
});

export const tickets = pgTable(
  "tickets",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    /** Human-friendly and unique in the workspace, e.g. `T-000123`. */
    ticketNumber: text("ticket_number").notNull(),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    description: text("description"),
    category: text("category"),
    priority: text("priority", { enum: TICKET_PRIORITIES }).notNull().default("P2"),
    status: text("status", { enum: TICKET_STATUSES }).notNull().default("open"),
    assigneeId: uuid("assignee_id").references(() => users.id, { onDelete: "set null" }),
    resolutionNotes: text("resolution_notes"),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    /** The customer's sentiment label when the ticket was opened (seed 000 `sentiment_at_creation`). */
    sentimentAtCreation: text("sentiment_at_creation"),
    /** Id of the same ticket in an outside helpdesk, once synced. */
    externalTicketId: text("external_ticket_id"),
    // Millisecond precision: list cursors carry created_at through JavaScript Dates.
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("tickets_number_key").on(t.tenantId, t.ticketNumber),
    index("tickets_tenant_created_idx").on(t.tenantId, t.createdAt, t.id),
    index("tickets_tenant_status_idx").on(t.tenantId, t.status, t.createdAt),
    index("tickets_conversation_idx").on(t.conversationId),
    check("tickets_status_check", sql`${t.status} in ('open','pending','resolved','closed')`),
    check("tickets_priority_check", sql`${t.priority} in ('P0','P1','P2','P3')`),
  ],
);

export const RESERVATION_STATUSES = ["confirmed", "cancelled", "completed", "no_show"] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

export const reservations = pgTable(
  "reservations",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    /** Short, read aloud or typed by customers: no 0/O/1/I. Unique in the workspace. */
    confirmationCode: text("confirmation_code").notNull(),
    contactId: uuid("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    reservationType: text("reservation_type"),
    locationName: text("location_name"),
    slotDate: date("slot_date", { mode: "string" }).notNull(),
    slotTime: time("slot_time").notNull(),
    /**
     * Which of the slot's places this booking holds (1..capacity). The partial unique index over it is
     * what refuses a double booking, however many requests race for the last place.
     */
    seat: integer("seat").notNull().default(1),
    partySize: integer("party_size").notNull().default(1),
    notes: text("notes"),
    status: text("status", { enum: RESERVATION_STATUSES }).notNull().default("confirmed"),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("reservations_code_key").on(t.tenantId, t.confirmationCode),
    // Only confirmed bookings hold a place: cancelling one frees it for the next customer.
    uniqueIndex("reservations_slot_key")
      .on(t.tenantId, sql`coalesce(${t.locationName}, '')`, t.slotDate, t.slotTime, t.seat)
      .where(sql`status = 'confirmed'`),
    index("reservations_tenant_slot_idx").on(t.tenantId, t.slotDate, t.slotTime),
    check("reservations_status_check", sql`${t.status} in ('confirmed','cancelled','completed','no_show')`),
    check("reservations_party_size_check", sql`${t.partySize} between 1 and 1000`),
    check("reservations_seat_check", sql`${t.seat} >= 1`),
  ],
);

export interface OpeningHours {
  day: "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
  open: string;
  close: string;
}

/** A workspace's bookable slots; without a row the defaults in services/reservations/settings.ts apply. */
export const reservationSettings = pgTable("reservation_settings", {
  tenantId: uuid("tenant_id").primaryKey().references(() => tenants.id, { onDelete: "cascade" }),
  /** IANA zone the opening hours are written in; "today" and "past" are judged there. */
  timezone: text("timezone").notNull().default("UTC"),
  weekly: jsonb("weekly").$type<OpeningHours[]>().notNull(),
  slotMinutes: integer("slot_minutes").notNull().default(30),
  capacity: integer("capacity").notNull().default(1),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const ESCALATION_STATUSES = ["pending", "accepted", "resolved"] as const;
export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];

/** A hand-off from the bot to people (seed 000 escalations): why, and what the agent needs to know. */
export const escalations = pgTable(
  "escalations",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id").references(() => tickets.id, { onDelete: "set null" }),
    reason: text("reason").notNull(),
    summary: text("summary").notNull().default(""),
    priority: text("priority", { enum: TICKET_PRIORITIES }).notNull().default("P2"),
    /** The team asked for; no foreign key until teams exist (the routing issue adds the table). */
    requestedTeamId: uuid("requested_team_id"),
    status: text("status", { enum: ESCALATION_STATUSES }).notNull().default("pending"),
    acceptedBy: uuid("accepted_by").references(() => users.id, { onDelete: "set null" }),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("escalations_tenant_status_idx").on(t.tenantId, t.status, t.createdAt),
    index("escalations_conversation_idx").on(t.conversationId, t.createdAt),
    check("escalations_status_check", sql`${t.status} in ('pending','accepted','resolved')`),
    check("escalations_priority_check", sql`${t.priority} in ('P0','P1','P2','P3')`),
  ],
);

/** What a finished conversation came to (seed 000 call_summaries); one per conversation, rewritten on re-summary. */
export const callSummaries = pgTable(
  "call_summaries",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    summary: text("summary").notNull(),
    keyPoints: jsonb("key_points").$type<string[]>().notNull().default([]),
    actionItems: jsonb("action_items").$type<string[]>().notNull().default([]),
    overallSentiment: text("overall_sentiment"),
    resolutionDetected: boolean("resolution_detected").notNull().default(false),
    language: text("language"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("call_summaries_conversation_key").on(t.conversationId)],
);
