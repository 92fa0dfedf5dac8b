import { z } from "@hono/zod-openapi";
import { ESCALATION_STATUSES, TICKET_PRIORITIES, type callSummaries, type escalations } from "../../db/schema";
import { refineText } from "../../lib/storable-text";

// Storable text: summaries quote what customers wrote.
const text = (min: number, max: number) => z.string().trim().min(min).max(max).superRefine(refineText);

export const EscalationInput = z.object({
  conversation_id: z.string().uuid(),
  ticket_id: z.string().uuid().optional(),
  reason: text(1, 200).openapi({ description: "Why the bot handed over, e.g. `customer_requested_human`, `priority_P0`, `angry`" }),
  summary: text(0, 10_000).optional().openapi({ description: "What the agent needs to know, shown in the inbox" }),
  priority: z.enum(TICKET_PRIORITIES).optional(),
  requested_team_id: z.string().uuid().optional(),
  skills: z.array(z.string().trim().toLowerCase().min(1).max(50)).max(20).optional().openapi({ description: "Skills the agent needs (skills routing), beyond the team's defaults" }),
});
export type EscalationInput = z.infer<typeof EscalationInput>;

export const EscalationSchema = z
  .object({
    id: z.string().uuid(),
    conversation_id: z.string().uuid(),
    ticket_id: z.string().uuid().nullable(),
    reason: z.string(),
    summary: z.string(),
    priority: z.enum(TICKET_PRIORITIES),
    requested_team_id: z.string().uuid().nullable(),
    status: z.enum(ESCALATION_STATUSES),
    accepted_by: z.string().uuid().nullable(),
    accepted_at: z.string().nullable(),
    resolved_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Escalation");
export type Escalation = z.infer<typeof EscalationSchema>;

export const CallSummaryInput = z.object({
  conversation_id: z.string().uuid(),
  summary: text(1, 20_000),
  key_points: z.array(text(1, 1000)).max(50).optional(),
  action_items: z.array(text(1, 1000)).max(50).optional(),
  overall_sentiment: text(1, 32).optional().openapi({ description: "A sentiment label: positive, neutral, negative or angry" }),
  resolution_detected: z.boolean().optional(),
  language: z.string().trim().regex(/^[a-z]{2,3}$|^und$/, "Must be an ISO 639-1 code like es, or und").optional(),
});
export type CallSummaryInput = z.infer<typeof CallSummaryInput>;

export const CallSummarySchema = z
  .object({
    id: z.string().uuid(),
    conversation_id: z.string().uuid(),
    summary: z.string(),
    key_points: z.array(z.string()),
    action_items: z.array(z.string()),
    overall_sentiment: z.string().nullable(),
    resolution_detected: z.boolean(),
    language: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("CallSummary");
export type CallSummary = z.infer<typeof CallSummarySchema>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toEscalation(r: typeof escalations.$inferSelect): Escalation {
  return {
    id: r.id,
    conversation_id: r.conversationId,
    ticket_id: r.ticketId,
    reason: r.reason,
    summary: r.summary,
    priority: r.priority,
    requested_team_id: r.requestedTeamId,
    status: r.status,
    accepted_by: r.acceptedBy,
    accepted_at: iso(r.acceptedAt),
    resolved_at: iso(r.resolvedAt),
    created_at: r.createdAt.toISOString(),
  };
}

export function toCallSummary(r: typeof callSummaries.$inferSelect): CallSummary {
  return {
    id: r.id,
    conversation_id: r.conversationId,
    summary: r.summary,
    key_points: r.keyPoints,
    action_items: r.actionItems,
    overall_sentiment: r.overallSentiment,
    resolution_detected: r.resolutionDetected,
    language: r.language,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
