import { and, desc, eq, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { contacts, conversations, tenantMembers, ticketCounters, tickets, type TicketStatus } from "../../db/schema";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { AppError, notFound } from "../../lib/errors";
import { withTenant } from "../access";
import type { ServiceContext } from "../context";
import { authorOf, FLOW_AUTHOR, recordChange, type Author } from "./author";
import { formatTicketNumber, TICKET_TRANSITIONS, TicketInput, TicketPatch, toTicket, type Ticket } from "./model";
import { parseInput } from "./validate";

/** Another workspace's id is simply not found (never "forbidden"), and the error names the field. */
const missing = (what: string, field: string) => new AppError("NOT_FOUND", `${what} not found`, { field });

export async function findTicket(tx: Tx, tenantId: string, id: string, lock = false) {
  const q = tx.select().from(tickets).where(and(eq(tickets.id, id), eq(tickets.tenantId, tenantId))).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("Ticket");
  return row;
}

/** The next number in the workspace's sequence; the upsert's row lock serializes concurrent callers. */
async function nextTicketNumber(tx: Tx, tenantId: string): Promise<string> {
  const [row] = await tx
    .insert(ticketCounters)
    .values({ tenantId, lastNumber: 1 })
    .onConflictDoUpdate({ target: ticketCounters.tenantId, set: { lastNumber: sql`${ticketCounters.lastNumber} + 1` } })
    .returning({ n: ticketCounters.lastNumber });
  return formatTicketNumber(row!.n);
}

/**
 * Opens a ticket inside the caller's transaction (a flow's `create_ticket` node, or the API). A
 * conversation given without a contact lends the ticket its contact.
 *
 * @example
 *   const ticket = await openTicket(tx, tenantId, { title: "Refund not received", conversation_id, priority: "P1" });
 */
export async function openTicket(tx: Tx, tenantId: string, raw: TicketInput, by: Author = FLOW_AUTHOR): Promise<Ticket> {
  const input = parseInput(TicketInput, raw);
  let contactId = input.contact_id ?? null;
  if (input.conversation_id) {
    const [conv] = await tx
      .select({ contactId: conversations.contactId })
      .from(conversations)
      .where(and(eq(conversations.id, input.conversation_id), eq(conversations.tenantId, tenantId)));
    if (!conv) throw missing("Conversation", "conversation_id");
    if (contactId && contactId !== conv.contactId) throw new AppError("VALIDATION_FAILED", "contact_id is not the contact of that conversation", { field: "contact_id" });
    contactId = conv.contactId;
  }
  if (input.contact_id) {
    const [contact] = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.id, input.contact_id), eq(contacts.tenantId, tenantId), isNull(contacts.deletedAt)));
    if (!contact) throw missing("Contact", "contact_id");
  }
  const id = crypto.randomUUID();
  const [row] = await tx
    .insert(tickets)
    .values({
      id,
      tenantId,
      ticketNumber: await nextTicketNumber(tx, tenantId),
      conversationId: input.conversation_id ?? null,
      contactId,
      title: input.title,
      description: input.description ?? null,
      category: input.category ?? null,
      priority: input.priority ?? "P2",
      sentimentAtCreation: input.sentiment_at_creation ?? null,
    })
    .returning();
  const ticket = toTicket(row!);
  await recordChange(tx, tenantId, by, {
    entityType: "ticket",
    entityId: id,
    action: "ticket.created",
    data: { ticket_number: ticket.ticket_number },
    event: { ticket_id: id, ticket_number: ticket.ticket_number, conversation_id: ticket.conversation_id, contact_id: ticket.contact_id, priority: ticket.priority },
  });
  return ticket;
}

/**
 * Applies a patch inside the caller's transaction: status moves along TICKET_TRANSITIONS, the assignee
 * must be an active member of this workspace. A patch that changes nothing writes nothing.
 */
export async function changeTicket(tx: Tx, tenantId: string, raw: TicketPatch & { id: string }, by: Author = FLOW_AUTHOR): Promise<Ticket> {
  const input = { ...parseInput(TicketPatch, raw), id: raw.id };
  const current = await findTicket(tx, tenantId, input.id, true);
  if (input.version !== undefined && input.version !== current.version) {
    throw new AppError("VERSION_CONFLICT", `Ticket is at version ${current.version}, not ${input.version}`, { field: "version" });
  }
  const status: TicketStatus | undefined = input.status !== undefined && input.status !== current.status ? input.status : undefined;
  if (status && !TICKET_TRANSITIONS[current.status].includes(status)) {
    throw new AppError("VALIDATION_FAILED", `A ${current.status} ticket cannot become ${status}`, { field: "status" });
  }
  if (input.assignee_id) {
    const [member] = await tx
      .select({ id: tenantMembers.id })
      .from(tenantMembers)
      .where(and(eq(tenantMembers.userId, input.assignee_id), eq(tenantMembers.tenantId, tenantId), eq(tenantMembers.status, "active")));
    if (!member) throw new AppError("VALIDATION_FAILED", "assignee_id is not an active member of this workspace", { field: "assignee_id" });
  }
  const changes: Record<string, unknown> = {};
  if (status) changes.status = { from: current.status, to: status };
  if (input.assignee_id !== undefined && input.assignee_id !== current.assigneeId) changes.assignee_id = input.assignee_id;
  if (input.priority !== undefined && input.priority !== current.priority) changes.priority = input.priority;
  if (input.resolution_notes !== undefined && input.resolution_notes !== current.resolutionNotes) changes.resolution_notes = true;
  if (Object.keys(changes).length === 0) return toTicket(current);

  const [row] = await tx
    .update(tickets)
    .set({
      ...(status && {
        status,
        // Reopening clears both stamps: a ticket's resolved_at always belongs to its latest resolution.
        resolvedAt: status === "resolved" ? sql`now()` : status === "open" ? null : current.resolvedAt,
        closedAt: status === "closed" ? sql`now()` : null,
      }),
      ...(changes.assignee_id !== undefined && { assigneeId: input.assignee_id }),
      ...(changes.priority !== undefined && { priority: input.priority }),
      ...(changes.resolution_notes !== undefined && { resolutionNotes: input.resolution_notes }),
      updatedAt: sql`now()`,
      version: sql`${tickets.version} + 1`,
    })
    .where(eq(tickets.id, current.id))
    .returning();
  await recordChange(tx, tenantId, by, {
    entityType: "ticket",
    entityId: current.id,
    action: "ticket.updated",
    data: changes,
    event: { ticket_id: current.id, ticket_number: current.ticketNumber, changes },
  });
  return toTicket(row!);
}

export async function createTicket({ ctx, input }: { ctx: ServiceContext; input: TicketInput }): Promise<Ticket> {
  return withTenant(ctx, "tickets:write", (tx, p) => openTicket(tx, p.tenant.id, input, authorOf(ctx, p)));
}

export async function getTicket({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Ticket> {
  return withTenant(ctx, "tickets:read", async (tx, p) => toTicket(await findTicket(tx, p.tenant.id, input.id)));
}

export async function updateTicket({ ctx, input }: { ctx: ServiceContext; input: TicketPatch & { id: string } }): Promise<Ticket> {
  return withTenant(ctx, "tickets:write", (tx, p) => changeTicket(tx, p.tenant.id, input, authorOf(ctx, p)));
}

export interface TicketListInput {
  status?: TicketStatus;
  conversation_id?: string;
  contact_id?: string;
  assignee_id?: string;
  cursor?: string;
  limit: number;
}

/** Newest first, keyset-paged like contacts. */
export async function listTickets({ ctx, input }: { ctx: ServiceContext; input: TicketListInput }) {
  return withTenant(ctx, "tickets:read", async (tx) => {
    const filters: SQL[] = [];
    if (input.status) filters.push(eq(tickets.status, input.status));
    if (input.conversation_id) filters.push(eq(tickets.conversationId, input.conversation_id));
    if (input.contact_id) filters.push(eq(tickets.contactId, input.contact_id));
    if (input.assignee_id) filters.push(eq(tickets.assigneeId, input.assignee_id));
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    if (after) filters.push(or(lt(tickets.createdAt, after.at), and(eq(tickets.createdAt, after.at), lt(tickets.id, after.id)))!);
    const rows = await tx
      .select()
      .from(tickets)
      .where(filters.length ? and(...filters) : undefined)
      .orderBy(desc(tickets.createdAt), desc(tickets.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return { data: page.map(toTicket), next_cursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  });
}
