import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { ReadDb, Tx } from "../../db/client";
import { callSummaries, conversations, escalations, teams, tenantMembers, tickets, type EscalationStatus } from "../../db/schema";
import { routeConversation } from "../routing";
import { AppError, notFound } from "../../lib/errors";
import { FLOW_AUTHOR, recordChange, type Author } from "../tickets/author";
import { parseInput } from "../tickets/validate";
import { CallSummaryInput, EscalationInput, toCallSummary, toEscalation, type CallSummary, type Escalation } from "./model";

const missing = (what: string, field: string) => new AppError("NOT_FOUND", `${what} not found`, { field });

async function assertConversation(tx: Tx, tenantId: string, id: string) {
  const [conv] = await tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.id, id), eq(conversations.tenantId, tenantId)));
  if (!conv) throw missing("Conversation", "conversation_id");
}

/**
 * Records a hand-off to people inside the caller's transaction (a flow's `escalate` node), with an
 * `escalation.created` event for routing. Moving the conversation to `escalated` and pausing the bot are
 * the caller's (conversation rules live in services/conversations).
 *
 * @example
 *   await recordEscalation(tx, tenantId, { conversation_id, reason: "customer_requested_human", summary, priority: "P1" });
 */
export async function recordEscalation(tx: Tx, tenantId: string, raw: EscalationInput, by: Author = FLOW_AUTHOR): Promise<Escalation> {
  const input = parseInput(EscalationInput, raw);
  await assertConversation(tx, tenantId, input.conversation_id);
  if (input.ticket_id) {
    const [ticket] = await tx.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.id, input.ticket_id), eq(tickets.tenantId, tenantId)));
    if (!ticket) throw missing("Ticket", "ticket_id");
  }
  const id = crypto.randomUUID();
  const [row] = await tx
    .insert(escalations)
    .values({
      id,
      tenantId,
      conversationId: input.conversation_id,
      ticketId: input.ticket_id ?? null,
      reason: input.reason,
      summary: input.summary ?? "",
      priority: input.priority ?? "P2",
      requestedTeamId: input.requested_team_id ?? null,
    })
    .returning();
  const escalation = toEscalation(row!);
  await recordChange(tx, tenantId, by, {
    entityType: "escalation",
    entityId: id,
    action: "escalation.created",
    data: { conversation_id: escalation.conversation_id, reason: escalation.reason },
    event: { escalation_id: id, conversation_id: escalation.conversation_id, ticket_id: escalation.ticket_id, reason: escalation.reason, priority: escalation.priority, requested_team_id: escalation.requested_team_id },
  });
  await routeEscalation(tx, tenantId, escalation, input.skills ?? []);
  return escalation;
}

/**
 * Hands the escalated conversation to a team (the flow's, else the conversation's, else its channel's
 * default) and an agent by the team's mode, in the escalation's transaction. A flow naming a team that
 * no longer exists falls back to the default rather than losing the hand-off, and a routing failure
 * leaves the conversation escalated and unassigned (visible in the inbox) instead of undoing it.
 */
async function routeEscalation(tx: Tx, tenantId: string, escalation: Escalation, skills: string[]) {
  let teamId = escalation.requested_team_id;
  if (teamId) {
    const [team] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.id, teamId), eq(teams.tenantId, tenantId)));
    if (!team) teamId = null;
  }
  try {
    await tx.transaction((sp) => routeConversation(sp as unknown as Tx, tenantId, escalation.conversation_id, { teamId, reason: `escalation: ${escalation.reason}`, assignedBy: "escalation", skills }));
  } catch (err) {
    if (err instanceof AppError) return;
    throw err;
  }
}

/** Newest first; the inbox's "waiting for a human" list is `{ status: "pending" }`. */
export async function listEscalations(tx: Tx, tenantId: string, input: { conversation_id?: string; status?: EscalationStatus; limit?: number } = {}): Promise<Escalation[]> {
  const filters: SQL[] = [eq(escalations.tenantId, tenantId)];
  if (input.conversation_id) filters.push(eq(escalations.conversationId, input.conversation_id));
  if (input.status) filters.push(eq(escalations.status, input.status));
  const rows = await tx
    .select()
    .from(escalations)
    .where(and(...filters))
    .orderBy(desc(escalations.createdAt), desc(escalations.id))
    .limit(Math.min(input.limit ?? 50, 200));
  return rows.map(toEscalation);
}

const NEXT: Record<EscalationStatus, EscalationStatus[]> = { pending: ["accepted", "resolved"], accepted: ["resolved"], resolved: [] };

/** An agent takes (`accepted`, with who) or closes (`resolved`) a hand-off; escalations only move forward. */
export async function setEscalationStatus(tx: Tx, tenantId: string, input: { id: string; status: "accepted" | "resolved"; user_id?: string }, by: Author = FLOW_AUTHOR): Promise<Escalation> {
  const [current] = await tx.select().from(escalations).where(and(eq(escalations.id, input.id), eq(escalations.tenantId, tenantId))).for("update");
  if (!current) throw notFound("Escalation");
  if (!NEXT[current.status].includes(input.status)) throw new AppError("VALIDATION_FAILED", `A ${current.status} escalation cannot become ${input.status}`, { field: "status" });
  if (input.user_id) {
    const [member] = await tx
      .select({ id: tenantMembers.id })
      .from(tenantMembers)
      .where(and(eq(tenantMembers.userId, input.user_id), eq(tenantMembers.tenantId, tenantId), eq(tenantMembers.status, "active")));
    if (!member) throw new AppError("VALIDATION_FAILED", "user_id is not an active member of this workspace", { field: "user_id" });
  }
  const [row] = await tx
    .update(escalations)
    .set({
      status: input.status,
      ...(input.status === "accepted" && { acceptedAt: sql`now()`, acceptedBy: input.user_id ?? null }),
      ...(input.status === "resolved" && { resolvedAt: sql`now()` }),
      updatedAt: sql`now()`,
    })
    .where(eq(escalations.id, current.id))
    .returning();
  const changes = { status: { from: current.status, to: input.status } };
  await recordChange(tx, tenantId, by, { entityType: "escalation", entityId: current.id, action: "escalation.updated", data: changes, event: { escalation_id: current.id, conversation_id: current.conversationId, changes } });
  return toEscalation(row!);
}

/**
 * Stores what a finished conversation came to, inside the caller's transaction: one summary per
 * conversation, replaced if the conversation is summarized again (it was reopened and ended anew).
 */
export async function storeCallSummary(tx: Tx, tenantId: string, raw: CallSummaryInput): Promise<CallSummary> {
  const input = parseInput(CallSummaryInput, raw);
  await assertConversation(tx, tenantId, input.conversation_id);
  const [row] = await callSummaryUpsert(tx, tenantId, input);
  return toCallSummary(row!);
}

/**
 * The call summary's upsert as a statement (not run): for a caller that has already checked the
 * conversation and sends it in a batch with the rest of its turn (the bot's one-trip commit).
 */
export function callSummaryUpsert(db: ReadDb, tenantId: string, raw: CallSummaryInput) {
  const input = parseInput(CallSummaryInput, raw);
  const values = {
    summary: input.summary,
    keyPoints: input.key_points ?? [],
    actionItems: input.action_items ?? [],
    overallSentiment: input.overall_sentiment ?? null,
    resolutionDetected: input.resolution_detected ?? false,
    language: input.language ?? null,
  };
  return db
    .insert(callSummaries)
    .values({ id: crypto.randomUUID(), tenantId, conversationId: input.conversation_id, ...values })
    .onConflictDoUpdate({ target: callSummaries.conversationId, set: { ...values, updatedAt: sql`now()` } })
    .returning();
}

export async function getCallSummary(tx: Tx, tenantId: string, conversationId: string): Promise<CallSummary | undefined> {
  const [row] = await tx.select().from(callSummaries).where(and(eq(callSummaries.conversationId, conversationId), eq(callSummaries.tenantId, tenantId)));
  return row ? toCallSummary(row) : undefined;
}
