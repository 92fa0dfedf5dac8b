import { and, eq, inArray, isNull, ne, isNotNull, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { ReadDb } from "../../db/client";
import { CURRENT_USER } from "../access-read";
import { agents, channels, conversations, teamMembers, teams, tenantMembers, type ConversationState } from "../../db/schema";
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

function queueWhere(tenantId: string, input: QueueInput): SQL {
  const filters: SQL[] = [eq(conversations.tenantId, tenantId)];
  if (input.view === "mine") filters.push(sql`${conversations.assigneeId} = ${CURRENT_USER}`);
  if (input.view === "teams") filters.push(sql`${conversations.teamId} in (select ${teamMembers.teamId} from ${teamMembers} where ${teamMembers.userId} = ${CURRENT_USER})`);
  if (input.view === "unassigned") filters.push(sql`${conversations.assigneeId} is null and ${conversations.state} <> 'resolved'`);
  if (input.state) filters.push(eq(conversations.state, input.state));
  else if (input.view !== "all") filters.push(sql`${conversations.state} <> 'resolved'`);
  if (input.priority) filters.push(eq(conversations.priority, input.priority));
  if (input.team_id) filters.push(eq(conversations.teamId, input.team_id));
  if (input.channel_id) filters.push(eq(conversations.channelId, input.channel_id));
  if (input.language) filters.push(eq(conversations.language, input.language));
  return and(...filters)!;
}

const queueOrder = () => [sql`${conversations.state} = 'resolved'`, sql`${urgencyOrder(sql`${conversations}`)}`, sql`coalesce(${conversations.lastCustomerMessageAt}, ${conversations.createdAt}) asc`, conversations.id];
const pageOf = (input: QueueInput) => Math.max(1, input.page ?? 1);

/** The transaction-local setting a batch keeps its queue page's ids in (see keepQueuePage). */
const KEPT_PAGE = "app.queue_page";

/**
 * The first read of a queue page's batch: it sorts the queue once, ordered like seed 002's
 * `v_agent_queue` (priority, then SLA urgency, the nearest due time, then the longest-waiting customer),
 * and keeps the page's ids — one more than the page, which tells whether there is more — in a
 * transaction-local setting for the reads after it (`keptPageIds`). The order sorts every open
 * conversation of the view (its SLA urgency is a subquery per row); when each read named the page as
 * a subquery, the inbox page sorted them seven times (99 ms p50 at 10,000 conversations, bench:api).
 * Local to the transaction: nothing of it reaches the next one. Views: assigned to me, my teams',
 * unassigned (not resolved), or everything. Paged by offset: the order moves as priorities and clocks
 * change, so a keyset cursor would skip or repeat rows anyway.
 */
export function keepQueuePage(db: ReadDb, tenantId: string, input: QueueInput) {
  const page = db
    .select({ id: conversations.id })
    .from(conversations)
    .where(queueWhere(tenantId, input))
    .orderBy(...queueOrder())
    .limit(input.limit + 1)
    .offset((pageOf(input) - 1) * input.limit);
  return db.execute(sql`select set_config(${KEPT_PAGE}, coalesce((select string_agg(p.id::text, ',') from ${page} p), ''), true)`);
}

/** The ids keepQueuePage kept, as a subquery for the reads after it in the same batch. */
export const keptPageIds: SQLWrapper = sql`(select unnest(string_to_array(nullif(current_setting(${KEPT_PAGE}, true), ''), ','))::uuid)`;

/** The kept page's conversations, in the queue's order (a sort of the page's rows only). */
export function queuePageQuery(db: ReadDb, tenantId: string) {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), inArray(conversations.id, keptPageIds)))
    .orderBy(...queueOrder());
}

type Row = typeof conversations.$inferSelect;
export function queuePageOf(rows: Row[], input: QueueInput) {
  return { rows: rows.slice(0, input.limit), page: pageOf(input), has_more: rows.length > input.limit };
}

/** What the inbox's filters offer: the workspace's teams (mine marked), the languages seen, channels, and my availability. */
export function queueFacetReads(db: ReadDb, tenantId: string) {
  return [
    db
      .select({
        id: teams.id,
        name: teams.name,
        // Spelled with its aliases: Drizzle leaves a single-table select's columns unqualified, and inside
        // the subquery an unqualified "id" would name team_members' own column if it ever had one.
        mine: sql<boolean>`exists (select 1 from team_members tm where tm.team_id = "teams"."id" and tm.user_id = ${CURRENT_USER})`,
      })
      .from(teams)
      .where(eq(teams.tenantId, tenantId))
      .orderBy(teams.name),
    db
      .selectDistinct({ language: conversations.language })
      .from(conversations)
      .where(and(eq(conversations.tenantId, tenantId), isNotNull(conversations.language), ne(conversations.language, "und"), ne(conversations.state, "resolved")))
      .orderBy(conversations.language)
      .limit(50),
    db
      .select({ availability: sql<string>`coalesce(${agents.availability}, 'offline')`, memberId: tenantMembers.id })
      .from(tenantMembers)
      .leftJoin(agents, and(eq(agents.tenantId, tenantMembers.tenantId), eq(agents.userId, tenantMembers.userId)))
      .where(and(eq(tenantMembers.tenantId, tenantId), sql`${tenantMembers.userId} = ${CURRENT_USER}`)),
    db
      .select({ id: channels.id, name: channels.name, type: channels.type })
      .from(channels)
      .where(and(eq(channels.tenantId, tenantId), isNull(channels.deletedAt)))
      .orderBy(channels.name)
      .limit(200),
  ] as const;
}

type FacetReads = ReturnType<typeof queueFacetReads>;
export type QueueFacets = ReturnType<typeof queueFacetsOf>;
export function queueFacetsOf([teamRows, langs, availability, channelRows]: readonly [Awaited<FacetReads[0]>, Awaited<FacetReads[1]>, Awaited<FacetReads[2]>, Awaited<FacetReads[3]>]) {
  const mine = availability[0];
  return {
    teams: teamRows,
    channels: channelRows,
    languages: langs.map((r) => r.language!).filter(Boolean),
    availability: (mine?.availability ?? "offline") as "online" | "away" | "offline",
    memberId: mine?.memberId ?? null,
  };
}

/** Ids of the contacts, channels and assignees of the conversations a subquery selects (for their names). */
export function pageColumnIds(db: ReadDb, ids: SQLWrapper) {
  const of = (col: typeof conversations.contactId | typeof conversations.channelId | typeof conversations.assigneeId) => db.select({ id: col }).from(conversations).where(inArray(conversations.id, ids));
  return { contactIds: of(conversations.contactId), channelIds: of(conversations.channelId), userIds: of(conversations.assigneeId) };
}
