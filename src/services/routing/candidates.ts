import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import type { teams } from "../../db/schema";

/** How long a skill-based conversation waits for a full match before any online agent of the team may take it. */
export const RELAX_AFTER_SECONDS = 120;

export interface Needs {
  /** Every one of these must be among the agent's skills (skill-based teams, until relaxed). */
  required: string[];
  /** Each one the agent has counts for them (the best match wins, before load). */
  preferred: string[];
}

const norm = (s: string) => s.trim().toLowerCase();

/**
 * What a conversation needs from its agent: the team's default skills, the skills its flow named, and
 * the customer's language as `lang:<code>` when the team models languages at all (some member lists a
 * `lang:` skill). The understood intent is a preference, not a requirement: `intent:<intent>` or the
 * bare intent as a skill make an agent a better match.
 */
export async function conversationNeeds(tx: Tx, tenantId: string, conversationId: string, team: typeof teams.$inferSelect, extra: string[]): Promise<Needs> {
  const r = await tx.execute<{ language: string | null; intent: string | null; team_langs: boolean }>(sql`
    select c.language, c.intent, exists (select 1 from team_members tm join agents a on a.tenant_id = tm.tenant_id and a.user_id = tm.user_id
      where tm.team_id = ${team.id}::uuid and exists (select 1 from unnest(a.skills) s where s like 'lang:%')) as team_langs
    from conversations c where c.id = ${conversationId}::uuid and c.tenant_id = ${tenantId}::uuid`);
  const c = r.rows[0];
  const required = new Set([...team.defaultSkills, ...extra].map(norm).filter(Boolean));
  if (c?.language && c.language !== "und" && c.team_langs) required.add(`lang:${norm(c.language)}`);
  const preferred = new Set(required);
  if (c?.intent) {
    preferred.add(norm(c.intent));
    preferred.add(`intent:${norm(c.intent)}`);
  }
  return { required: [...required], preferred: [...preferred] };
}

const pgArray = (xs: string[]) => `{${xs.map((x) => `"${x.replace(/["\\]/g, (m) => `\\${m}`)}"`).join(",")}}`;

/**
 * The agent a team's mode picks, or null: online, an active member, under capacity (counted again under
 * the agent's row lock, so two teams routing at once cannot both fill the last seat), and for
 * skill-based teams holding every required skill until the wait relaxed that.
 *   round_robin: the member picked longest ago (the team's durable cursor), then user id.
 *   least_busy:  the fewest open conversations, then longest ago.
 *   skill_based: the most matched skills, then the fewest open conversations, then longest ago.
 */
export async function pickAgent(tx: Tx, tenantId: string, team: typeof teams.$inferSelect, needs: Needs, relaxed: boolean): Promise<string | null> {
  const skillBased = team.routingMode === "skill_based";
  const required = skillBased && !relaxed ? needs.required : [];
  const order =
    team.routingMode === "least_busy"
      ? sql`load, rr_seq, user_id`
      : skillBased
        ? sql`score desc, load, rr_seq, user_id`
        : sql`rr_seq, user_id`;
  const candidates = await tx.execute<{ user_id: string }>(sql`
    select user_id from (
      select tm.user_id, tm.rr_seq, a.capacity,
        (select count(*)::int from conversations c where c.tenant_id = tm.tenant_id and c.assignee_id = tm.user_id and c.state <> 'resolved') as load,
        cardinality(array(select unnest(a.skills) intersect select unnest(${pgArray(needs.preferred)}::text[]))) as score
      from team_members tm
      join agents a on a.tenant_id = tm.tenant_id and a.user_id = tm.user_id
      join tenant_members m on m.tenant_id = tm.tenant_id and m.user_id = tm.user_id and m.status = 'active'
      where tm.tenant_id = ${tenantId}::uuid and tm.team_id = ${team.id}::uuid and a.availability = 'online'
        and a.skills @> ${pgArray(required)}::text[]
    ) x
    where load < capacity
    order by ${order}
    limit 8`);
  for (const { user_id } of candidates.rows) {
    // The agent's row lock makes "count, then assign" atomic against every other routing decision. The
    // count is a statement of its own: under read committed it then sees whatever a routing that held
    // the lock before us committed (a subquery in the locking statement would use the older snapshot).
    const lock = await tx.execute<{ availability: string; capacity: number }>(sql`select availability, capacity from agents where tenant_id = ${tenantId}::uuid and user_id = ${user_id}::uuid for update`);
    const agent = lock.rows[0];
    if (agent?.availability !== "online") continue;
    const load = await tx.execute<{ n: number }>(sql`select count(*)::int as n from conversations where tenant_id = ${tenantId}::uuid and assignee_id = ${user_id}::uuid and state <> 'resolved'`);
    if ((load.rows[0]?.n ?? 0) < agent.capacity) return user_id;
  }
  return null;
}
