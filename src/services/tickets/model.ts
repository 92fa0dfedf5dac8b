import { z } from "@hono/zod-openapi";
import { TICKET_PRIORITIES, TICKET_STATUSES, type TicketStatus, type tickets } from "../../db/schema";
import { refineText } from "../../lib/storable-text";

type TicketRow = typeof tickets.$inferSelect;

// Storable text too: a flow hands these verbs customer-written strings without passing the API edge.
const text = (max: number) => z.string().trim().min(1).max(max).superRefine(refineText);
const longText = (max: number) => z.string().trim().max(max).superRefine(refineText);

/** What a ticket is opened with, from the API or a flow's `create_ticket` node. */
export const TicketInput = z.object({
  title: text(200),
  conversation_id: z.string().uuid().optional().openapi({ description: "The conversation it came from; its contact is used when contact_id is omitted" }),
  contact_id: z.string().uuid().optional(),
  priority: z.enum(TICKET_PRIORITIES).optional().openapi({ description: "P0 (most urgent) … P3; default P2" }),
  category: text(100).optional(),
  description: longText(10_000).optional(),
  sentiment_at_creation: text(32).optional(),
});
export type TicketInput = z.infer<typeof TicketInput>;

export const TicketPatch = z.object({
  status: z.enum(TICKET_STATUSES).optional(),
  assignee_id: z.string().uuid().nullable().optional(),
  priority: z.enum(TICKET_PRIORITIES).optional(),
  resolution_notes: longText(10_000).nullable().optional(),
  version: z.number().int().positive().optional().openapi({ description: "Expected version (optimistic locking)" }),
});
export type TicketPatch = z.infer<typeof TicketPatch>;

export const TicketSchema = z
  .object({
    id: z.string().uuid(),
    ticket_number: z.string().openapi({ example: "T-000123" }),
    title: z.string(),
    description: z.string().nullable(),
    category: z.string().nullable(),
    priority: z.enum(TICKET_PRIORITIES),
    status: z.enum(TICKET_STATUSES),
    conversation_id: z.string().uuid().nullable(),
    contact_id: z.string().uuid().nullable(),
    assignee_id: z.string().uuid().nullable(),
    resolution_notes: z.string().nullable(),
    sentiment_at_creation: z.string().nullable(),
    resolved_at: z.string().nullable(),
    closed_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    version: z.number().int(),
  })
  .openapi("Ticket");
export type Ticket = z.infer<typeof TicketSchema>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toTicket(r: TicketRow): Ticket {
  return {
    id: r.id,
    ticket_number: r.ticketNumber,
    title: r.title,
    description: r.description,
    category: r.category,
    priority: r.priority,
    status: r.status,
    conversation_id: r.conversationId,
    contact_id: r.contactId,
    assignee_id: r.assigneeId,
    resolution_notes: r.resolutionNotes,
    sentiment_at_creation: r.sentimentAtCreation,
    resolved_at: iso(r.resolvedAt),
    closed_at: iso(r.closedAt),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    version: r.version,
  };
}

/**
 * The ticket lifecycle: open → pending → resolved → closed, with a way back to `open` from any later
 * state (the customer writes again, or the fix did not hold). Skipping resolution to close is refused so
 * every closed ticket has passed through `resolved` (and carries its resolved_at).
 */
export const TICKET_TRANSITIONS: Record<TicketStatus, TicketStatus[]> = {
  open: ["pending", "resolved"],
  pending: ["open", "resolved"],
  resolved: ["closed", "open"],
  closed: ["open"],
};

/** `T-000123`: zero-padded to six digits, growing past them rather than wrapping. */
export const formatTicketNumber = (n: number) => `T-${String(n).padStart(6, "0")}`;
