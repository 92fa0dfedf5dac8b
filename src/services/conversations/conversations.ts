import { and, asc, desc, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import { threadStub } from "../../../durable-objects/conversation-thread/client";
import { checkMessageQuota, quotaError } from "../../../durable-objects/tenant-quota/client";
import type { Tx } from "../../db/client";
import { conversations, messageAnnotations, messages, tenantMembers, type ConversationState } from "../../db/schema";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { AppError, notFound } from "../../lib/errors";
import { actorRef, withTenant } from "../access";
import { readTenant } from "../access-read";
import { emitEvents, recordAudit } from "../audit";
import { getCallSummary } from "../escalations/escalations";
import { assignToAgent, unassign } from "../routing";
import type { CallSummary } from "../escalations/model";
import type { Priority } from "../../understanding/port";
import type { ServiceContext } from "../context";
import { toAnnotations, toConversation, toMessage, type Conversation, type Message } from "./model";
import { slaViewReads, slaViewsOf } from "../sla/clocks";
import { publishOutbox } from "../../queues/outbox-relay";

export async function findConversation(tx: Tx, id: string, lock = false) {
  const q = tx.select().from(conversations).where(eq(conversations.id, id)).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("Conversation");
  return row;
}

export async function listConversations({ ctx, input }: { ctx: ServiceContext; input: { state?: ConversationState; assignee_id?: string; priority?: Priority[]; cursor?: string; limit: number } }) {
  // The tenant as well as RLS: the list's index (0016) leads with it.
  const filters: SQL[] = [eq(conversations.tenantId, ctx.tenantId ?? "")];
  if (input.state) filters.push(eq(conversations.state, input.state));
  if (input.assignee_id) filters.push(eq(conversations.assigneeId, input.assignee_id));
  if (input.priority?.length) filters.push(inArray(conversations.priority, input.priority));
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  // Most recent activity first; conversations without messages yet sort by creation.
  const activity = sql<Date>`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`;
  if (after) filters.push(sql`(${activity}, ${conversations.id}) < (${after.at}, ${after.id})`);
  const where = and(...filters);
  // One round trip: the credential check, the page and the page's SLA clocks in one batch (the clocks
  // read the same page again as a subquery, in the same transaction).
  const {
    results: [rows, ...sla],
  } = await readTenant(ctx, "conversations:read", (db) => [
    db
      .select({ row: conversations, activity })
      .from(conversations)
      .where(where)
      .orderBy(desc(activity), desc(conversations.id))
      .limit(input.limit + 1),
    ...slaViewReads(
      db,
      db
        .select({ id: conversations.id })
        .from(conversations)
        .where(where)
        .orderBy(desc(activity), desc(conversations.id))
        .limit(input.limit),
    ),
  ] as const);
  const views = slaViewsOf(sla);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({ ...toConversation(r.row), sla: views.get(r.row.id) ?? null })),
    next_cursor: rows.length > input.limit && last ? encodeCursor(new Date(last.activity), last.row.id) : null,
  };
}

/** One conversation, with its call summary once one was written (the conversation ended or was handed over). */
export async function getConversation({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Conversation & { call_summary: CallSummary | null }> {
  return withTenant(ctx, "conversations:read", async (tx, p) => {
    const conversation = toConversation(await findConversation(tx, input.id));
    return { ...conversation, call_summary: (await getCallSummary(tx, p.tenant.id, conversation.id)) ?? null };
  });
}

/** The thread oldest first, in the order its single writer stored it; `after` pages by sequence. */
export async function listMessages({ ctx, input }: { ctx: ServiceContext; input: { id: string; after?: number; limit: number } }) {
  // One round trip: the credential check, whether the conversation is there (404 otherwise) and the page.
  const {
    results: [found, rows],
  } = await readTenant(ctx, "conversations:read", (db) => [
    db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, input.id)).limit(1),
    db
      .select({ message: messages, annotation: messageAnnotations })
      .from(messages)
      .leftJoin(messageAnnotations, eq(messageAnnotations.messageId, messages.id))
      .where(and(eq(messages.conversationId, input.id), input.after ? gt(messages.sequence, input.after) : undefined))
      .orderBy(asc(messages.sequence))
      .limit(input.limit + 1),
  ] as const);
  if (found.length === 0) throw notFound("Conversation");
  const page = rows.slice(0, input.limit);
  return {
    data: page.map((r) => ({ ...toMessage(r.message), ...(r.annotation && { annotations: toAnnotations(r.annotation) }) })),
    next_cursor: rows.length > input.limit ? String(page.at(-1)!.message.sequence) : null,
  };
}

/**
 * An agent's reply: stored as a pending outbound message with a `message.outbound` outbox event in the
 * same transaction (the queue consumer delivers it to the provider), then pushed live to the thread.
 */
export async function replyToConversation({ ctx, input }: { ctx: ServiceContext; input: { id: string; text: string } }): Promise<Message> {
  // First, may this caller reply here at all (404 otherwise)? Only then is the message counted against
  // the plan's limit and payment standing, by the workspace's quota object: outside any transaction,
  // since the object may itself read Postgres when it starts.
  const workspace = await withTenant(ctx, "conversations:write", async (tx, p) => {
    await findConversation(tx, input.id);
    return p.tenant.id;
  });
  const quota = await checkMessageQuota(ctx.env, workspace, { direction: "outbound" });
  if (!quota.allowed) throw quotaError(quota);
  const { message, threadKey, tenantId } = await withTenant(ctx, "conversations:write", async (tx, p) => {
    const conv = await findConversation(tx, input.id, true);
    const id = crypto.randomUUID();
    const [row] = await tx
      .insert(messages)
      .values({
        id,
        tenantId: p.tenant.id,
        conversationId: conv.id,
        channelId: conv.channelId,
        direction: "outbound",
        senderType: p.type === "user" ? "agent" : "system",
        senderId: p.type === "user" ? p.userId : null,
        content: { type: "text", text: input.text },
        text: input.text,
        status: "pending",
      })
      .returning();
    await tx
      .update(conversations)
      .set({
        state: sql`case when ${conversations.state} = 'resolved' then 'resolved' else 'awaiting_customer' end`,
        previousState: conv.state,
        lastMessageAt: row!.createdAt,
        lastAgentMessageAt: row!.createdAt,
        firstResponseAt: sql`coalesce(${conversations.firstResponseAt}, now())`,
        messageCount: sql`${conversations.messageCount} + 1`,
        // A person answered: the bot steps back here, so bot and human never talk over each other.
        botPausedAt: sql`coalesce(${conversations.botPausedAt}, now())`,
        updatedAt: sql`now()`,
        version: sql`${conversations.version} + 1`,
      })
      .where(eq(conversations.id, conv.id));
    await emitEvents(tx, [
      { tenantId: p.tenant.id, type: "message.outbound", aggregateType: "message", aggregateId: id, payload: { message_id: id, conversation_id: conv.id, channel_id: conv.channelId } },
      // The reply hands the turn to the customer: the SLA clocks pause from now (the consumer records
      // the pause, so a customer writing back later resumes them with the paused time credited), and
      // rules on state changes see it.
      ...(conv.state !== "resolved" && conv.state !== "awaiting_customer"
        ? [{ tenantId: p.tenant.id, type: "conversation.state_changed" as const, aggregateType: "conversation", aggregateId: conv.id, payload: { conversation_id: conv.id, from: conv.state, to: "awaiting_customer" } }]
        : []),
    ]);
    await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "message.sent", entityType: "conversation", entityId: conv.id, data: { message_id: id } });
    return { message: toMessage(row!), threadKey: conv.threadKey, tenantId: p.tenant.id };
  });
  // The reply goes to the provider now, not at the next outbox sweep (a minute away; it still
  // catches what this misses).
  await publishOutbox(ctx.db, ctx.env, tenantId).catch((err: unknown) => ctx.log.warn("reply: publishing failed; the sweep will", { error: String(err) }));
  await threadStub(ctx.env, tenantId, threadKey)
    .notify({ type: "message.created", conversation_id: message.conversation_id, message })
    .catch((err) => ctx.log.warn("live update failed", { error: String(err) }));
  return message;
}

/** Which state changes people may make by hand (the rest happen as messages flow). */
const MANUAL: Record<ConversationState, ConversationState[]> = {
  open: ["awaiting_customer", "awaiting_agent", "escalated", "resolved"],
  awaiting_customer: ["awaiting_agent", "escalated", "resolved", "open"],
  awaiting_agent: ["awaiting_customer", "escalated", "resolved", "open"],
  escalated: ["awaiting_customer", "awaiting_agent", "resolved", "open"],
  resolved: ["reopened"],
  reopened: ["awaiting_customer", "awaiting_agent", "escalated", "resolved"],
};

export async function updateConversation({ ctx, input }: { ctx: ServiceContext; input: { id: string; state?: ConversationState; assignee_id?: string | null; version?: number } }): Promise<Conversation> {
  const { conversation, threadKey, tenantId } = await withTenant(ctx, "conversations:write", async (tx, p) => {
    const conv = await findConversation(tx, input.id, true);
    if (input.version !== undefined && input.version !== conv.version) throw new AppError("VERSION_CONFLICT", `Conversation is at version ${conv.version}`, { field: "version" });
    if (input.state && input.state !== conv.state && !MANUAL[conv.state].includes(input.state)) {
      throw new AppError("VALIDATION_FAILED", `Cannot move a conversation from ${conv.state} to ${input.state}`, { field: "state" });
    }
    if (input.assignee_id) {
      // The assignee must be an active member of this workspace; anyone else's id is simply not found.
      const [member] = await tx.select({ id: tenantMembers.id }).from(tenantMembers).where(and(eq(tenantMembers.userId, input.assignee_id), eq(tenantMembers.status, "active")));
      if (!member) throw notFound("Assignee");
    }
    const stateChange = input.state && input.state !== conv.state ? input.state : undefined;
    // Assignment goes through routing, which keeps the history (seed 002 assignments) and the event.
    if (input.assignee_id !== undefined && input.assignee_id !== conv.assigneeId) {
      const by = { ...actorRef(p), requestId: ctx.requestId, ip: ctx.ip };
      if (input.assignee_id) await assignToAgent(tx, p.tenant.id, conv.id, { agentId: input.assignee_id, assignedBy: "manual", byUserId: p.type === "user" ? p.userId : null, force: true }, by);
      else await unassign(tx, p.tenant.id, conv.id, { reason: "manual" }, by);
    }
    const [row] = await tx
      .update(conversations)
      .set({
        ...(stateChange && { state: stateChange, previousState: conv.state, resolvedAt: stateChange === "resolved" ? sql`now()` : null }),
        updatedAt: sql`now()`,
        version: sql`${conversations.version} + 1`,
      })
      .where(eq(conversations.id, conv.id))
      .returning();
    const changes = { ...(stateChange && { state: { from: conv.state, to: stateChange } }), ...(input.assignee_id !== undefined && { assignee_id: input.assignee_id }) };
    await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "conversation.updated", entityType: "conversation", entityId: conv.id, data: changes });
    const events = [];
    if (stateChange) events.push({ tenantId: p.tenant.id, type: "conversation.state_changed" as const, aggregateType: "conversation", aggregateId: conv.id, payload: { conversation_id: conv.id, from: conv.state, to: stateChange } });
    await emitEvents(tx, events);
    return { conversation: toConversation(row!), threadKey: conv.threadKey, tenantId: p.tenant.id };
  });
  await threadStub(ctx.env, tenantId, threadKey)
    .notify({ type: "conversation.updated", conversation_id: conversation.id, conversation })
    .catch((err) => ctx.log.warn("live update failed", { error: String(err) }));
  return conversation;
}

