import { and, eq, isNull, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { agents, assignments, conversations, notifications, routingQueue, teamMembers, teams, type AssignedBy } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { recordChange, type Author } from "../tickets/author";
import { conversationNeeds, pickAgent, RELAX_AFTER_SECONDS } from "./candidates";
import { urgencyOrder } from "./urgency";

export type { AssignedBy };

/** Parley's own routing decisions, in the audit log. */
export const ROUTING_AUTHOR: Author = { actorType: "system", actorId: "routing" };

export interface RouteOptions {
  /** The team to route to; without it the conversation's team, else its channel's default team. */
  teamId?: string | null;
  /** Free text kept on the assignment row, e.g. "escalate: customer_requested_human". */
  reason?: string;
  assignedBy?: AssignedBy;
  /** Skills the conversation needs beyond the team's defaults (e.g. from the flow). */
  skills?: string[];
}

/**
 * `assigned`: an agent has it now. `waiting`: it sits in the team's queue until an agent frees
 * capacity or comes online (a `manual` team's queue waits for someone to take it). `unrouted`: no team
 * applies (no flow team, no channel default) and it stays in the unassigned view. `unchanged`: it was
 * already assigned (or resolved) and nothing asked to move it.
 */
export interface RouteOutcome {
  status: "assigned" | "waiting" | "unrouted" | "unchanged";
  conversation_id: string;
  team_id: string | null;
  assignee_id: string | null;
}

async function lockConversation(tx: Tx, tenantId: string, id: string) {
  const [row] = await tx
    .select({ id: conversations.id, state: conversations.state, assigneeId: conversations.assigneeId, teamId: conversations.teamId, channelId: conversations.channelId })
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.tenantId, tenantId)))
    .for("update");
  if (!row) throw new AppError("NOT_FOUND", "Conversation not found", { field: "conversation_id" });
  return row;
}

/** A team of this workspace, or a 404 naming the field (another workspace's id is simply not found). */
export async function findTeamRow(tx: Tx, tenantId: string, id: string, field = "team_id", lock = false) {
  const q = tx.select().from(teams).where(and(eq(teams.id, id), eq(teams.tenantId, tenantId)));
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw new AppError("NOT_FOUND", "Team not found", { field });
  return row;
}

async function channelDefaultTeam(tx: Tx, tenantId: string, channelId: string): Promise<string | null> {
  const r = await tx.execute<{ team_id: string | null }>(sql`select default_team_id as team_id from channels where id = ${channelId}::uuid and tenant_id = ${tenantId}::uuid`);
  return r.rows[0]?.team_id ?? null;
}

/** Without a team from the flow, the conversation or its channel: the workspace's oldest active team. */
async function workspaceDefaultTeam(tx: Tx, tenantId: string): Promise<string | null> {
  const [row] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, tenantId), eq(teams.isActive, true))).orderBy(teams.createdAt, teams.id).limit(1);
  return row?.id ?? null;
}

/**
 * The team a conversation lands in: an inactive team, or one with nobody online, overflows to its
 * escalation team (followed at most a few hops, never in a circle).
 */
async function settleTeam(tx: Tx, tenantId: string, teamId: string) {
  let team = await findTeamRow(tx, tenantId, teamId, "team_id", true);
  const seen = new Set([team.id]);
  while (team.escalationTeamId && !seen.has(team.escalationTeamId) && seen.size < 4) {
    const online = await tx.execute<{ n: number }>(sql`select count(*)::int as n from team_members tm join agents a on a.tenant_id = tm.tenant_id and a.user_id = tm.user_id
      where tm.team_id = ${team.id}::uuid and a.availability = 'online'`);
    if (team.isActive && (online.rows[0]?.n ?? 0) > 0) break;
    const next = await tx.select().from(teams).where(and(eq(teams.id, team.escalationTeamId), eq(teams.tenantId, tenantId))).for("update");
    if (!next[0]) break;
    team = next[0];
    seen.add(team.id);
  }
  return team;
}

/**
 * Routes a conversation to a team and, by the team's mode, to an agent: inside the caller's
 * transaction, so concurrent callers serialize on the team row (round robin's cursor) and on the
 * agent's row (capacity), never on anything in memory. With nobody available it waits in the team's
 * queue; `drainWaiting` hands it out when someone frees up.
 *
 * @example
 *   const r = await routeConversation(tx, tenantId, conversationId, { teamId, reason: "escalate", assignedBy: "escalation" });
 */
export async function routeConversation(tx: Tx, tenantId: string, conversationId: string, opts: RouteOptions = {}, by: Author = ROUTING_AUTHOR): Promise<RouteOutcome> {
  const conv = await lockConversation(tx, tenantId, conversationId);
  const outcome = (status: RouteOutcome["status"], teamId: string | null, assigneeId: string | null): RouteOutcome => ({ status, conversation_id: conv.id, team_id: teamId, assignee_id: assigneeId });
  if (conv.state === "resolved") return outcome("unchanged", conv.teamId, conv.assigneeId);
  const requested = opts.teamId ?? conv.teamId ?? (await channelDefaultTeam(tx, tenantId, conv.channelId)) ?? (await workspaceDefaultTeam(tx, tenantId));
  if (!requested) {
    await enqueue(tx, tenantId, conv.id, null, [], opts);
    return outcome("unrouted", null, conv.assigneeId);
  }
  // Already with someone: only an explicit other team moves it (a transfer); otherwise it stays, and
  // takes the team it lacked.
  if (conv.assigneeId && (!opts.teamId || opts.teamId === conv.teamId)) {
    if (!conv.teamId) await tx.update(conversations).set({ teamId: requested, updatedAt: sql`now()` }).where(eq(conversations.id, conv.id));
    return outcome("unchanged", conv.teamId ?? requested, conv.assigneeId);
  }
  const team = await settleTeam(tx, tenantId, requested);
  if (conv.teamId !== team.id) {
    await tx.update(conversations).set({ teamId: team.id, updatedAt: sql`now()`, version: sql`${conversations.version} + 1` }).where(eq(conversations.id, conv.id));
  }
  if (conv.assigneeId) await closeAssignment(tx, tenantId, conv.id, conv.assigneeId, "transfer", by);

  const needs = await conversationNeeds(tx, tenantId, conv.id, team, opts.skills ?? []);
  if (team.routingMode === "manual") {
    await enqueue(tx, tenantId, conv.id, team.id, needs.required, opts);
    return outcome("waiting", team.id, null);
  }
  const agentId = await pickAgent(tx, tenantId, team, needs, false);
  if (!agentId) {
    await enqueue(tx, tenantId, conv.id, team.id, needs.required, opts);
    return outcome("waiting", team.id, null);
  }
  await recordAssignment(tx, tenantId, conv.id, { agentId, teamId: team.id, assignedBy: opts.assignedBy ?? "routing_engine", reason: opts.reason ?? null, byUserId: null, rr: team.routingMode === "round_robin" || team.routingMode === "skill_based" || team.routingMode === "least_busy" }, by);
  return outcome("assigned", team.id, agentId);
}

async function enqueue(tx: Tx, tenantId: string, conversationId: string, teamId: string | null, required: string[], opts: RouteOptions) {
  await tx
    .insert(routingQueue)
    .values({ conversationId, tenantId, teamId, requiredSkills: required, reason: opts.reason ?? null, assignedBy: opts.assignedBy ?? "routing_engine", relaxAt: sql`now() + make_interval(secs => ${RELAX_AFTER_SECONDS})` })
    .onConflictDoUpdate({ target: routingQueue.conversationId, set: { teamId, requiredSkills: required, reason: opts.reason ?? null } });
}

/** Closes the open assignment row (if any) of a conversation, keeping it in the history. */
async function closeAssignment(tx: Tx, tenantId: string, conversationId: string, agentId: string, why: string, by: Author) {
  const closed = await tx
    .update(assignments)
    .set({ unassignedAt: sql`now()`, unassignmentReason: why.slice(0, 50) })
    .where(and(eq(assignments.conversationId, conversationId), eq(assignments.tenantId, tenantId), isNull(assignments.unassignedAt)))
    .returning({ id: assignments.id });
  await tx.update(conversations).set({ assigneeId: null, updatedAt: sql`now()`, version: sql`${conversations.version} + 1` }).where(eq(conversations.id, conversationId));
  if (closed.length) {
    await recordChange(tx, tenantId, by, { entityType: "conversation", entityId: conversationId, action: "conversation.assigned", data: { from: agentId, to: null, reason: why }, event: { conversation_id: conversationId, assignee_id: null } });
  }
}

/**
 * Writes one assignment: the history row, the conversation's assignee (the bot steps back), the
 * round-robin cursor, the agent's inbox notification and the `conversation.assigned` event.
 * Callers hold the conversation's row lock and have checked the agent's capacity under its lock.
 */
async function recordAssignment(
  tx: Tx,
  tenantId: string,
  conversationId: string,
  a: { agentId: string; teamId: string | null; assignedBy: AssignedBy; reason: string | null; byUserId: string | null; rr: boolean },
  by: Author,
) {
  await tx
    .update(assignments)
    .set({ unassignedAt: sql`now()`, unassignmentReason: "reassigned" })
    .where(and(eq(assignments.conversationId, conversationId), eq(assignments.tenantId, tenantId), isNull(assignments.unassignedAt)));
  await tx.insert(assignments).values({ id: crypto.randomUUID(), tenantId, conversationId, agentId: a.agentId, teamId: a.teamId, assignedBy: a.assignedBy, assignedByUserId: a.byUserId, reason: a.reason?.slice(0, 500) ?? null });
  await tx
    .update(conversations)
    .set({ assigneeId: a.agentId, ...(a.teamId && { teamId: a.teamId }), botPausedAt: sql`coalesce(${conversations.botPausedAt}, now())`, updatedAt: sql`now()`, version: sql`${conversations.version} + 1` })
    .where(eq(conversations.id, conversationId));
  await tx.delete(routingQueue).where(eq(routingQueue.conversationId, conversationId));
  if (a.rr && a.teamId) {
    // The cursor moves under the team row's lock (taken by settleTeam): the next pick sees this one.
    const [t] = await tx.update(teams).set({ rrCounter: sql`${teams.rrCounter} + 1` }).where(eq(teams.id, a.teamId)).returning({ n: teams.rrCounter });
    await tx.update(teamMembers).set({ rrSeq: t!.n }).where(and(eq(teamMembers.teamId, a.teamId), eq(teamMembers.userId, a.agentId)));
  }
  if (a.byUserId !== a.agentId) {
    await tx.insert(notifications).values({ id: crypto.randomUUID(), tenantId, userId: a.agentId, kind: "assignment", conversationId, actorId: a.byUserId, body: a.reason ? `Assigned to you: ${a.reason}`.slice(0, 500) : "A conversation was assigned to you" });
  }
  await recordChange(tx, tenantId, by, {
    entityType: "conversation",
    entityId: conversationId,
    action: "conversation.assigned",
    data: { to: a.agentId, team_id: a.teamId, assigned_by: a.assignedBy, ...(a.reason && { reason: a.reason }) },
    event: { conversation_id: conversationId, assignee_id: a.agentId },
  });
}

/**
 * A person (or a rule) assigns a conversation to one agent. The agent must be an active member; an
 * online agent past capacity is refused (CONFLICT) unless `force` (a supervisor's override).
 */
export async function assignToAgent(
  tx: Tx,
  tenantId: string,
  conversationId: string,
  input: { agentId: string; teamId?: string | null; assignedBy?: AssignedBy; reason?: string; byUserId?: string | null; force?: boolean },
  by: Author = ROUTING_AUTHOR,
): Promise<RouteOutcome> {
  const conv = await lockConversation(tx, tenantId, conversationId);
  if (input.teamId) await findTeamRow(tx, tenantId, input.teamId);
  const member = await tx.execute<{ id: string }>(sql`select id from tenant_members where tenant_id = ${tenantId}::uuid and user_id = ${input.agentId}::uuid and status = 'active'`);
  if (!member.rows[0]) throw new AppError("NOT_FOUND", "Agent not found", { field: "assignee_id" });
  // Same lock, then a fresh count, as automatic routing (candidates.ts): capacity holds either way.
  const agent = await lockAgent(tx, tenantId, input.agentId);
  const load = await tx.execute<{ n: number }>(sql`select count(*)::int as n from conversations where tenant_id = ${tenantId}::uuid and assignee_id = ${input.agentId}::uuid and state <> 'resolved' and id <> ${conv.id}::uuid`);
  const row = { capacity: agent.capacity, load: load.rows[0]?.n ?? 0 };
  const teamId = input.teamId ?? conv.teamId;
  if (conv.assigneeId === input.agentId && teamId === conv.teamId) return { status: "unchanged", conversation_id: conv.id, team_id: conv.teamId, assignee_id: conv.assigneeId };
  if (!input.force && row.capacity !== null && row.load >= row.capacity) throw new AppError("CONFLICT", "That agent is at capacity", { field: "assignee_id" });
  await recordAssignment(tx, tenantId, conv.id, { agentId: input.agentId, teamId, assignedBy: input.assignedBy ?? "manual", reason: input.reason ?? null, byUserId: input.byUserId ?? null, rr: false }, by);
  return { status: "assigned", conversation_id: conv.id, team_id: teamId, assignee_id: input.agentId };
}

/** The agent's routing profile, created with the defaults on first use, locked for this transaction. */
export async function lockAgent(tx: Tx, tenantId: string, userId: string) {
  await tx.insert(agents).values({ tenantId, userId }).onConflictDoNothing();
  const [row] = await tx.select().from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.userId, userId))).for("update");
  return row!;
}

/**
 * Takes a conversation off its agent, kept in the history with the reason. With `requeue` it goes
 * back to its team's queue (and to the next agent at once if one is free).
 */
export async function unassign(tx: Tx, tenantId: string, conversationId: string, input: { reason: string; requeue?: boolean } = { reason: "manual" }, by: Author = ROUTING_AUTHOR): Promise<RouteOutcome> {
  const conv = await lockConversation(tx, tenantId, conversationId);
  if (!conv.assigneeId) return { status: "unchanged", conversation_id: conv.id, team_id: conv.teamId, assignee_id: null };
  await closeAssignment(tx, tenantId, conv.id, conv.assigneeId, input.reason, by);
  if (input.requeue && conv.teamId) return routeConversation(tx, tenantId, conv.id, { reason: `requeued: ${input.reason}` }, by);
  return { status: "waiting", conversation_id: conv.id, team_id: conv.teamId, assignee_id: null };
}

/**
 * Hands waiting conversations to agents who can take them, most urgent (priority, then SLA due time)
 * and then oldest first; call after an agent comes online or frees capacity (outside the transaction
 * that changed the agent, so the lock order stays conversation → team → agent). Rows another drain is
 * routing are skipped, not waited on.
 */
export async function drainWaiting(tx: Tx, tenantId: string, scope: { agentId?: string; teamId?: string; limit?: number } = {}, by: Author = ROUTING_AUTHOR): Promise<RouteOutcome[]> {
  const limit = Math.min(scope.limit ?? 50, 500);
  const teamFilter = scope.teamId
    ? sql`q.team_id = ${scope.teamId}::uuid`
    : scope.agentId
      ? sql`q.team_id in (select team_id from team_members where tenant_id = ${tenantId}::uuid and user_id = ${scope.agentId}::uuid)`
      : sql`q.team_id is not null`;
  const waiting = await tx.execute<{ conversation_id: string; team_id: string; assigned_by: AssignedBy; reason: string | null; relaxed: boolean; skill_based: boolean }>(sql`
    select q.conversation_id, q.team_id, q.assigned_by, q.reason, (q.relax_at is not null and q.relax_at <= now()) as relaxed, t.routing_mode = 'skill_based' as skill_based
    from routing_queue q join conversations c on c.id = q.conversation_id join teams t on t.id = q.team_id
    where q.tenant_id = ${tenantId}::uuid and ${teamFilter} and t.routing_mode <> 'manual' and c.state <> 'resolved' and c.assignee_id is null
    order by ${urgencyOrder(sql`c`)}, q.enqueued_at, q.conversation_id
    limit ${limit}
    for update of q skip locked`);
  const out: RouteOutcome[] = [];
  const full = new Set<string>();
  for (const w of waiting.rows) {
    if (full.has(w.team_id)) continue;
    const r = await routeWaiting(tx, tenantId, w, by);
    out.push(r);
    // Nobody in that team could take the most urgent one: less urgent ones wait behind it, unless
    // it needed skills a later one does not (then that one may still match someone).
    if (r.status !== "assigned" && (!w.skill_based || w.relaxed)) full.add(w.team_id);
  }
  return out;
}

async function routeWaiting(tx: Tx, tenantId: string, w: { conversation_id: string; team_id: string; assigned_by: AssignedBy; reason: string | null; relaxed: boolean }, by: Author): Promise<RouteOutcome> {
  const conv = await lockConversation(tx, tenantId, w.conversation_id);
  const team = await findTeamRow(tx, tenantId, w.team_id, "team_id", true);
  const needs = await conversationNeeds(tx, tenantId, conv.id, team, []);
  const agentId = await pickAgent(tx, tenantId, team, needs, w.relaxed);
  if (!agentId) return { status: "waiting", conversation_id: conv.id, team_id: team.id, assignee_id: null };
  await recordAssignment(tx, tenantId, conv.id, { agentId, teamId: team.id, assignedBy: w.assigned_by, reason: w.reason, byUserId: null, rr: true }, by);
  return { status: "assigned", conversation_id: conv.id, team_id: team.id, assignee_id: agentId };
}

/** When a conversation is resolved or handed back, its queue entry goes (nothing waits for it). */
export async function forgetWaiting(tx: Tx, conversationId: string) {
  await tx.delete(routingQueue).where(eq(routingQueue.conversationId, conversationId));
}

