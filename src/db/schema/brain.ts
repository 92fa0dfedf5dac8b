import { index, jsonb, pgTable, real, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { conversations, messages } from "./channels";
import { tenants, users } from "./tenancy";

/** What an inbound message was understood as (contract "Understanding"; seed 002 ai_annotations with human correction). */
export const messageAnnotations = pgTable(
  "message_annotations",
  {
    messageId: uuid("message_id").primaryKey().references(() => messages.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    language: text("language").notNull(),
    intent: text("intent").notNull(),
    sentimentScore: real("sentiment_score").notNull(),
    sentimentLabel: text("sentiment_label").notNull(),
    urgency: real("urgency").notNull(),
    priority: text("priority").notNull(),
    entities: jsonb("entities").$type<Array<{ type: string; value: string }>>().notNull().default([]),
    source: text("source").notNull(),
    /** The annotator's own answer, kept when an agent corrects it (training data). */
    original: jsonb("original").$type<Record<string, unknown>>(),
    correctedBy: uuid("corrected_by").references(() => users.id, { onDelete: "set null" }),
    correctedAt: timestamp("corrected_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("message_annotations_conversation_idx").on(t.tenantId, t.conversationId)],
);
