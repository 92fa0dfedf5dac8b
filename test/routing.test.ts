import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { Database } from "../src/db/client";
import { loadConfig, type Env } from "../src/env";
import { recordEscalation } from "../src/services/escalations/escalations";
import { drainWaiting, routeConversation } from "../src/services/routing";
import { relaxDueQueues } from "../src/services/routing/relax";
import { call, createTenant, expectStatus, ownerQuery, type TenantHandle } from "./harness";

/**
 * Routing at the service level, the way a flow run and the queue consumers call it: inside their own
 * tenant transactions, each on its own connection, so concurrent callers really contend.
 */
const newDb = () => new Database(loadConfig(env as unknown as Env));

async function inTenant<T>(tenantId: string, fn: (tx: Parameters<Parameters<Database["scoped"]>[1]>[0]) => Promise<T>): Promise<T> {
  const db = newDb();
  try {
    return await db.scoped({ tenantId }, fn);
  } finally {
    await db.close();
  }
}

/** Agents inserted directly (members, routing profiles): these tests are about routing, not invitations. */
async function seedAgents(tenantId: string, n: number, profile: { capacity: number; availability?: string; skills?: string[] }): Promise<string[]> {
  const rows = await ownerQuery<{ id: string }>(
    `with u as (insert into users (id, email, name) select gen_random_uuid(), 'agent-' || gen_random_uuid() || '@example.com', 'Agent ' || g from generate_series(1, $1::int) g returning id)
     , m as (insert into tenant_members (tenant_id, user_id, role, status) select $2::uuid, id, 'agent', 'active' from u returning user_id)
     insert into agents (tenant_id, user_id, capacity, availability, skills) select $2::uuid, user_id, $3::int, $4, $5::text[] from m returning user_id as id`,
    [n, tenantId, profile.capacity, profile.availability ?? "online", profile.skills ?? []],
  );
  return rows.map((r) => r.id);
}

async function seedTeam(tenantId: string, mode: string, members: string[], extra: { defaultSkills?: string[]; escalationTeamId?: string } = {}): Promise<string> {
  const [team] = await ownerQuery<{ id: string }>("insert into teams (id, tenant_id, name, routing_mode, default_skills, escalation_team_id) values (gen_random_uuid(), $1, $2, $3, $4::text[], $5) returning id", [
    tenantId,
    `Team ${crypto.randomUUID().slice(0, 8)}`,
    mode,
    extra.defaultSkills ?? [],
    extra.escalationTeamId ?? null,
  ]);
  await ownerQuery("insert into team_members (tenant_id, team_id, user_id) select $1, $2, unnest($3::uuid[])", [tenantId, team!.id, members]);
  return team!.id;
}

/** `n` open conversations, each with its own contact, on one channel. */
async function seedConversations(tenantId: string, n: number, fields: { language?: string; priority?: string; channelId?: string } = {}): Promise<string[]> {
  const channelId = fields.channelId ?? (await ownerQuery<{ id: string }>("insert into channels (id, tenant_id, type, name) values (gen_random_uuid(), $1, 'api', 'seeded') returning id", [tenantId]))[0]!.id;
  const rows = await ownerQuery<{ id: string }>(
    `with c as (insert into contacts (id, tenant_id, name) select gen_random_uuid(), $1, 'Customer ' || g from generate_series(1, $2::int) g returning id)
     insert into conversations (id, tenant_id, channel_id, contact_id, thread_key, language, priority, created_at)
     select gen_random_uuid(), $1, $3::uuid, c.id, $3::text || ':' || c.id, $4, $5, now() from c returning id`,
    [tenantId, n, channelId, fields.language ?? null, fields.priority ?? null],
  );
  return rows.map((r) => r.id);
}

const assigneeOf = async (id: string) => (await ownerQuery<{ assignee_id: string | null; team_id: string | null }>("select assignee_id, team_id from conversations where id = $1", [id]))[0]!;

describe("routing", () => {
  let t: TenantHandle;
  beforeAll(async () => {
    t = await createTenant("Routing");
  });

  it("two conversations escalated at the same moment to a team of one agent with capacity 1: one is assigned, the other waits", async () => {
    const [agent] = await seedAgents(t.id, 1, { capacity: 1 });
    const team = await seedTeam(t.id, "round_robin", [agent!]);
    const [a, b] = await seedConversations(t.id, 2);
    const results = await Promise.all(
      [a!, b!].map((conversation_id) => inTenant(t.id, (tx) => recordEscalation(tx, t.id, { conversation_id, reason: "customer_requested_human", requested_team_id: team }))),
    );
    expect(results).toHaveLength(2);
    const rows = await Promise.all([assigneeOf(a!), assigneeOf(b!)]);
    expect(rows.filter((r) => r.assignee_id === agent).length).toBe(1);
    expect(rows.filter((r) => r.assignee_id === null).length).toBe(1);
    expect(rows.every((r) => r.team_id === team)).toBe(true);
    const waiting = rows[0]!.assignee_id ? b! : a!;
    expect(await ownerQuery("select team_id from routing_queue where conversation_id = $1", [waiting])).toEqual([{ team_id: team }]);
    const history = await ownerQuery("select agent_id, assigned_by, unassigned_at from assignments where tenant_id = $1 and team_id = $2", [t.id, team]);
    expect(history).toEqual([{ agent_id: agent, assigned_by: "escalation", unassigned_at: null }]);

    // Resolving the first frees the seat: the waiting one is handed out by the drain at once.
    const assigned = waiting === a ? b! : a!;
    await ownerQuery("update conversations set state = 'resolved' where id = $1", [assigned]);
    const drained = await inTenant(t.id, (tx) => drainWaiting(tx, t.id, { agentId: agent }));
    expect(drained).toEqual([expect.objectContaining({ status: "assigned", conversation_id: waiting, assignee_id: agent })]);
    expect(await ownerQuery("select count(*)::int as n from routing_queue where conversation_id = $1", [waiting])).toEqual([{ n: 0 }]);
  });

  it("1,000 concurrent assignments across 10 agents in a round-robin team differ by at most one per agent", async () => {
    const agents = await seedAgents(t.id, 10, { capacity: 1000 });
    const team = await seedTeam(t.id, "round_robin", agents);
    const conversations = await seedConversations(t.id, 1000);
    // 10 connections, each routing its share one after another: real contention on the team's cursor.
    const lanes = Array.from({ length: 10 }, (_, i) => conversations.filter((_, j) => j % 10 === i));
    await Promise.all(
      lanes.map(async (lane) => {
        const db = newDb();
        try {
          for (const id of lane) await db.scoped({ tenantId: t.id }, (tx) => routeConversation(tx, t.id, id, { teamId: team }));
        } finally {
          await db.close();
        }
      }),
    );
    const counts = await ownerQuery<{ n: number }>("select count(*)::int as n from conversations where tenant_id = $1 and team_id = $2 group by assignee_id", [t.id, team]);
    const ns = counts.map((c) => c.n);
    expect(ns).toHaveLength(10);
    expect(ns.reduce((s, n) => s + n, 0)).toBe(1000);
    expect(Math.max(...ns) - Math.min(...ns)).toBeLessThanOrEqual(1);
    // The embedded Postgres runs one statement at a time: 1,000 routed transactions need more than the default 30 s.
  }, 180_000);

  it("least busy picks the agent with the fewest open conversations; nobody offline or away gets one", async () => {
    const [busy, idle] = await seedAgents(t.id, 2, { capacity: 5 });
    const [off] = await seedAgents(t.id, 1, { capacity: 5, availability: "offline" });
    const [away] = await seedAgents(t.id, 1, { capacity: 5, availability: "away" });
    const team = await seedTeam(t.id, "least_busy", [busy!, idle!, off!, away!]);
    const [old1, old2, fresh] = await seedConversations(t.id, 3);
    await ownerQuery("update conversations set assignee_id = $1 where id = any($2::uuid[])", [busy, [old1, old2]]);
    const r = await inTenant(t.id, (tx) => routeConversation(tx, t.id, fresh!, { teamId: team }));
    expect(r).toMatchObject({ status: "assigned", assignee_id: idle });
  });

  it("skills routing matches the customer's language, relaxes after the wait, and overflows to the escalation team when nobody is online", async () => {
    const [es] = await seedAgents(t.id, 1, { capacity: 5, skills: ["lang:es"] });
    const [en] = await seedAgents(t.id, 1, { capacity: 5, skills: ["lang:en", "billing"] });
    const team = await seedTeam(t.id, "skill_based", [es!, en!]);
    const [spanish] = await seedConversations(t.id, 1, { language: "es" });
    expect(await inTenant(t.id, (tx) => routeConversation(tx, t.id, spanish!, { teamId: team }))).toMatchObject({ status: "assigned", assignee_id: es });

    const [german] = await seedConversations(t.id, 1, { language: "de" });
    expect(await inTenant(t.id, (tx) => routeConversation(tx, t.id, german!, { teamId: team }))).toMatchObject({ status: "waiting", assignee_id: null });
    // After the relaxation wait any online agent of the team may take it (the less busy one here),
    // handed over by the scheduled sweep without any agent changing.
    await ownerQuery("update routing_queue set relax_at = now() - interval '1 second' where conversation_id = $1", [german]);
    const db = newDb();
    try {
      // Other files' queues may be due in the same database too: at least this one is handed over.
      expect((await relaxDueQueues(db)).assigned).toBeGreaterThanOrEqual(1);
    } finally {
      await db.close();
    }
    expect(await assigneeOf(german!)).toMatchObject({ assignee_id: en, team_id: team });

    const [backup] = await seedAgents(t.id, 1, { capacity: 5 });
    const backupTeam = await seedTeam(t.id, "round_robin", [backup!]);
    const [nobody] = await seedAgents(t.id, 1, { capacity: 5, availability: "offline" });
    const night = await seedTeam(t.id, "round_robin", [nobody!], { escalationTeamId: backupTeam });
    const [late] = await seedConversations(t.id, 1);
    expect(await inTenant(t.id, (tx) => routeConversation(tx, t.id, late!, { teamId: night }))).toMatchObject({ status: "assigned", team_id: backupTeam, assignee_id: backup });
  });

  it("a new conversation belongs to its channel's default team; an agent coming online takes the waiting queue, most urgent first", async () => {
    const [agent] = await seedAgents(t.id, 1, { capacity: 1, availability: "offline" });
    const team = await seedTeam(t.id, "round_robin", [agent!]);
    const [channel] = await ownerQuery<{ id: string }>("insert into channels (id, tenant_id, type, name, default_team_id) values (gen_random_uuid(), $1, 'api', 'support', $2) returning id", [t.id, team]);
    const [low] = await seedConversations(t.id, 1, { channelId: channel!.id, priority: "P3" });
    const [urgent] = await seedConversations(t.id, 1, { channelId: channel!.id, priority: "P0" });
    expect((await assigneeOf(low!)).team_id).toBe(team);
    for (const id of [low!, urgent!]) expect(await inTenant(t.id, (tx) => routeConversation(tx, t.id, id))).toMatchObject({ status: "waiting", team_id: team });

    const [member] = await ownerQuery<{ id: string }>("select id from tenant_members where tenant_id = $1 and user_id = $2", [t.id, agent]);
    const res = await call("PATCH", `/v1/members/${member!.id}`, { token: t.owner.token, body: { availability: "online" } });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ availability: "online", capacity: 1 });
    expect(await assigneeOf(urgent!)).toMatchObject({ assignee_id: agent });
    expect(await assigneeOf(low!)).toMatchObject({ assignee_id: null });
  });
});
