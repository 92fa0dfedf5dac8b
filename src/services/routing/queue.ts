import { and, eq, sql, type SQL } from "drizzle-orm";
import { conversations, teamMembers, teams, type ConversationState } from "../../db/schema";
import { withTenant } from "../access";
import type { ServiceContext } from "../context";
import { toConversation, type Conversation } from "../conversations/model";
import { urgencyOrder } from "./urgency";

export const QUEUE_VIEWS = ["mine", "teams", "unassigned", "all"] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

export interface QueueInput {
  view: QueueView;
  state?: ConversationState;
  priority?: string;
  team_id?: string;
  channel_id?: string;
  language?: string;
  page?: number;
  limit: number;
}

/**
 * The agent's queue, ordered like seed 002's `v_agent_queue`: priority, then SLA urgency (the nearest
 * due time), then the longest-waiting customer. Views: assigned to me, my teams', unassigned (not
 * resolved), or everything. Paged by offset: the order moves as priorities and clocks change, so a
 * keyset cursor would skip or repeat rows anyway.
 */
export async function listQueue({ ctx, input }: { ctx: ServiceContext; input: QueueInput }) {
  return withTenant(ctx, "conversations:read", async (tx, p) => {
    const me = p.type === "user" ? p.userId : null;
    const filters: SQL[] = [eq(conversations.tenantId, p.tenant.id)];
    if (input.view === "mine") filters.push(me ? eq(conversations.assigneeId, me) : sql`false`);
    if (input.view === "teams") filters.push(me ? sql`${conversations.teamId} in (select ${teamMembers.teamId} from ${teamMembers} where ${teamMembers.userId} = ${me}::uuid)` : sql`false`);
    if (input.view === "unassigned") filters.push(sql`${conversations.assigneeId} is null and ${conversations.state} <> 'resolved'`);
    if (input.state) filters.push(eq(conversations.state, input.state));
    else if (input.view !== "all") filters.push(sql`${conversations.state} <> 'resolved'`);
    if (input.priority) filters.push(eq(conversations.priority, input.priority));
    if (input.team_id) filters.push(eq(conversations.teamId, input.team_id));
    if (input.channel_id) filters.push(eq(conversations.channelId, input.channel_id));
    if (input.language) filters.push(eq(conversations.language, input.language));
    const page = Math.max(1, input.page ?? 1);
    const rows = await tx
      .select()
      .from(conversations)
      .where(and(...filters))
      .orderBy(sql`${conversations.state} = 'resolved'`, sql`${urgencyOrder(sql`${conversations}`)}`, sql`coalesce(${conversations.lastCustomerMessageAt}, ${conversations.createdAt}) asc`, conversations.id)
      .limit(input.limit + 1)
      .offset((page - 1) * input.limit);
    return { data: rows.slice(0, input.limit).map(toConversation) as Conversation[], page, has_more: rows.length > input.limit };
  });
}

/** What the inbox's filters offer: the workspace's teams (mine marked) and the languages seen. */
export async function queueFacets({ ctx }: { ctx: ServiceContext }) {
  return withTenant(ctx, "conversations:read", async (tx, p) => {
    const me = p.type === "user" ? p.userId : null;
    const teamRows = await tx
      .select({ id: teams.id, name: teams.name, mine: sql<boolean>`exists (select 1 from ${teamMembers} where ${teamMembers.teamId} = ${teams.id} and ${teamMembers.userId} = ${me}::uuid)` })
      .from(teams)
      .where(eq(teams.tenantId, p.tenant.id))
      .orderBy(teams.name);
    const langs = await tx.execute<{ language: string }>(sql`select distinct language from conversations where tenant_id = ${p.tenant.id}::uuid and language is not null and language <> 'und' and state <> 'resolved' order by language limit 50`);
    const availability = me
      ? ((await tx.execute<{ availability: string; member_id: string }>(sql`select coalesce(a.availability, 'offline') as availability, m.id as member_id from tenant_members m left join agents a on a.tenant_id = m.tenant_id and a.user_id = m.user_id where m.tenant_id = ${p.tenant.id}::uuid and m.user_id = ${me}::uuid`)).rows[0] ?? null)
      : null;
    const channelRows = await tx.execute<{ id: string; name: string; type: string }>(sql`select id, name, type from channels where tenant_id = ${p.tenant.id}::uuid and deleted_at is null order by name limit 200`);
    return { teams: teamRows, channels: channelRows.rows, languages: langs.rows.map((r) => r.language), availability: (availability?.availability ?? "offline") as "online" | "away" | "offline", memberId: availability?.member_id ?? null };
  });
}
