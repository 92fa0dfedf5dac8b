import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { uniqueViolation } from "../../db/failures";
import { teamMembers, teams, tenantMembers } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { withTenant } from "../access";
import type { ServiceContext } from "../context";
import { findTeamRow } from "../routing/engine";
import { authorOf, recordChange } from "../tickets/author";
import { parseInput } from "../tickets/validate";
import { TeamInput, TeamPatch, toMode, toRouting, type Team } from "./model";

/** Members must belong to this workspace (active or invited); anyone else's id is simply not found. */
async function assertMembers(tx: Tx, tenantId: string, ids: string[]) {
  if (ids.length === 0) return;
  const found = await tx.select({ id: tenantMembers.userId }).from(tenantMembers).where(and(eq(tenantMembers.tenantId, tenantId), inArray(tenantMembers.userId, ids)));
  const known = new Set(found.map((r) => r.id));
  const missing = ids.findIndex((id) => !known.has(id));
  if (missing >= 0) throw new AppError("NOT_FOUND", "Member not found", { field: `member_ids.${missing}` });
}

async function setMembers(tx: Tx, tenantId: string, teamId: string, ids: string[]) {
  const unique = [...new Set(ids)];
  await assertMembers(tx, tenantId, unique);
  await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), unique.length ? sql`${teamMembers.userId} <> all(${`{${unique.join(",")}}`}::uuid[])` : undefined));
  if (unique.length) await tx.insert(teamMembers).values(unique.map((userId) => ({ tenantId, teamId, userId }))).onConflictDoNothing();
  // Members without a routing profile get the defaults (offline, capacity 10) now.
  if (unique.length) await tx.execute(sql`insert into agents (tenant_id, user_id) select ${tenantId}::uuid, unnest(${`{${unique.join(",")}}`}::uuid[]) on conflict do nothing`);
}

async function assertEscalationTeam(tx: Tx, tenantId: string, id: string | null | undefined, self?: string) {
  if (!id) return;
  if (id === self) throw new AppError("VALIDATION_FAILED", "A team cannot escalate to itself", { field: "escalation_team_id" });
  await findTeamRow(tx, tenantId, id, "escalation_team_id");
}

/** Teams of the workspace with their members' live routing state, in one round trip per list. */
export async function loadTeams(tx: Tx, tenantId: string, ids?: string[]): Promise<Team[]> {
  const rows = await tx
    .select()
    .from(teams)
    .where(and(eq(teams.tenantId, tenantId), ids ? inArray(teams.id, ids) : undefined))
    .orderBy(asc(teams.name), asc(teams.id));
  if (rows.length === 0) return [];
  const teamIds = `{${rows.map((r) => r.id).join(",")}}`;
  const members = await tx.execute<{ team_id: string; user_id: string; name: string | null; email: string; availability: "online"; capacity: number; skills: string[]; open_conversations: number }>(sql`
    select tm.team_id, tm.user_id, u.name, u.email, coalesce(a.availability, 'offline') as availability, coalesce(a.capacity, 10) as capacity, coalesce(a.skills, '{}') as skills,
      (select count(*)::int from conversations c where c.tenant_id = tm.tenant_id and c.assignee_id = tm.user_id and c.state <> 'resolved') as open_conversations
    from team_members tm join users u on u.id = tm.user_id left join agents a on a.tenant_id = tm.tenant_id and a.user_id = tm.user_id
    where tm.tenant_id = ${tenantId}::uuid and tm.team_id = any(${teamIds}::uuid[])
    order by u.name nulls last, u.email`);
  const waiting = await tx.execute<{ team_id: string; n: number }>(sql`select team_id, count(*)::int as n from routing_queue where tenant_id = ${tenantId}::uuid and team_id = any(${teamIds}::uuid[]) group by team_id`);
  const waitingBy = new Map(waiting.rows.map((w) => [w.team_id, w.n]));
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    routing: toRouting(t.routingMode),
    default_skills: t.defaultSkills,
    escalation_team_id: t.escalationTeamId,
    is_active: t.isActive,
    members: members.rows.filter((m) => m.team_id === t.id).map(({ team_id: _, ...m }) => m),
    waiting: waitingBy.get(t.id) ?? 0,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
    version: t.version,
  }));
}

function nameTaken(err: unknown): boolean {
  return uniqueViolation(err)?.includes("teams_tenant_name_key") === true;
}

export async function createTeam({ ctx, input: raw }: { ctx: ServiceContext; input: TeamInput }): Promise<Team> {
  const input = parseInput(TeamInput, raw);
  return withTenant(ctx, "members:write", async (tx, p) => {
    const tenantId = p.tenant.id;
    await assertEscalationTeam(tx, tenantId, input.escalation_team_id);
    const [dup] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, tenantId), sql`lower(${teams.name}) = lower(${input.name})`));
    if (dup) throw new AppError("CONFLICT", "A team with this name exists", { field: "name" });
    const id = crypto.randomUUID();
    try {
      await tx.insert(teams).values({ id, tenantId, name: input.name, description: input.description || null, routingMode: toMode(input.routing ?? "round_robin"), defaultSkills: input.default_skills ?? [], escalationTeamId: input.escalation_team_id ?? null });
    } catch (err) {
      if (nameTaken(err)) throw new AppError("CONFLICT", "A team with this name exists", { field: "name" });
      throw err;
    }
    await setMembers(tx, tenantId, id, input.member_ids ?? []);
    await recordChange(tx, tenantId, authorOf(ctx, p), { entityType: "team", entityId: id, action: "team.created", data: { name: input.name, routing: input.routing ?? "round_robin" } });
    return (await loadTeams(tx, tenantId, [id]))[0]!;
  });
}

export async function listTeams({ ctx }: { ctx: ServiceContext }): Promise<{ data: Team[]; next_cursor: null }> {
  return withTenant(ctx, "members:read", async (tx, p) => ({ data: await loadTeams(tx, p.tenant.id), next_cursor: null }));
}

export async function getTeam({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Team> {
  return withTenant(ctx, "members:read", async (tx, p) => {
    const [team] = await loadTeams(tx, p.tenant.id, [input.id]);
    if (!team) throw new AppError("NOT_FOUND", "Team not found");
    return team;
  });
}

export async function updateTeam({ ctx, input: raw }: { ctx: ServiceContext; input: TeamPatch & { id: string } }): Promise<Team> {
  const { id, ...rest } = raw;
  const input = parseInput(TeamPatch, rest);
  return withTenant(ctx, "members:write", async (tx, p) => {
    const tenantId = p.tenant.id;
    const current = await findTeamRow(tx, tenantId, id, "id", true).catch(() => {
      throw new AppError("NOT_FOUND", "Team not found");
    });
    if (input.version !== undefined && input.version !== current.version) throw new AppError("VERSION_CONFLICT", `Team is at version ${current.version}`, { field: "version" });
    await assertEscalationTeam(tx, tenantId, input.escalation_team_id, id);
    if (input.name && input.name.toLowerCase() !== current.name.toLowerCase()) {
      const [dup] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, tenantId), sql`lower(${teams.name}) = lower(${input.name})`));
      if (dup) throw new AppError("CONFLICT", "A team with this name exists", { field: "name" });
    }
    await tx
      .update(teams)
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description || null }),
        ...(input.routing !== undefined && { routingMode: toMode(input.routing) }),
        ...(input.default_skills !== undefined && { defaultSkills: input.default_skills }),
        ...(input.escalation_team_id !== undefined && { escalationTeamId: input.escalation_team_id }),
        ...(input.is_active !== undefined && { isActive: input.is_active }),
        updatedAt: sql`now()`,
        version: sql`${teams.version} + 1`,
      })
      .where(eq(teams.id, id));
    if (input.member_ids !== undefined) await setMembers(tx, tenantId, id, input.member_ids);
    const { version: _, ...changed } = input;
    await recordChange(tx, tenantId, authorOf(ctx, p), { entityType: "team", entityId: id, action: "team.updated", data: changed });
    return (await loadTeams(tx, tenantId, [id]))[0]!;
  });
}

/**
 * Deletes a team. Its conversations keep their assignees and leave the team; those waiting in its
 * queue go back to the workspace's unassigned view (the foreign keys do both).
 */
export async function deleteTeam({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<void> {
  await withTenant(ctx, "members:write", async (tx, p) => {
    const deleted = await tx.delete(teams).where(and(eq(teams.id, input.id), eq(teams.tenantId, p.tenant.id))).returning({ id: teams.id, name: teams.name });
    if (!deleted[0]) throw new AppError("NOT_FOUND", "Team not found");
    await recordChange(tx, p.tenant.id, authorOf(ctx, p), { entityType: "team", entityId: input.id, action: "team.deleted", data: { name: deleted[0].name } });
  });
}
