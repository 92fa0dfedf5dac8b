import { beforeAll, describe, expect, it } from "vitest";
import { apiMessage, createApiChannel, eventually, postSigned } from "./channel-harness";
import { call, createHarness, expectError, expectStatus, ownerQuery, type Session, type TenantHandle } from "./harness";

describe("teams and agents' routing profiles", () => {
  let t: TenantHandle;
  let foreign: TenantHandle;
  let agent: Session;
  beforeAll(async () => {
    ({ tenant: t, foreign } = await createHarness());
    agent = await t.createUser("agent");
  });

  it("creates a team with its routing mode, default skills and members, and lists it with their availability", async () => {
    const res = await call("POST", "/v1/teams", { token: t.owner.token, body: { name: "Billing", routing: "skill_based", default_skills: ["Billing", "billing"], member_ids: [agent.userId] } });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ name: "Billing", routing: "skills", default_skills: ["billing"], escalation_team_id: null, is_active: true, waiting: 0, version: 1 });
    expect(res.body.members).toEqual([expect.objectContaining({ user_id: agent.userId, availability: "offline", capacity: 10, skills: [], open_conversations: 0 })]);
    const list = await call("GET", "/v1/teams", { token: agent.token });
    expectStatus(list, 200);
    expect(list.body.data.map((x: { id: string }) => x.id)).toContain(res.body.id);
    expectError(await call("POST", "/v1/teams", { token: t.owner.token, body: { name: "billing" } }), 409, "CONFLICT");
    expectError(await call("POST", "/v1/teams", { token: t.owner.token, body: { name: "Nope", routing: "random" } }), 400, "VALIDATION_FAILED");
    expectError(await call("POST", "/v1/teams", { token: agent.token, body: { name: "Agents' own" } }), 403, "FORBIDDEN");
  });

  it("answers 404 for another workspace's member, team or escalation team, and changes nothing", async () => {
    const theirs = await call("POST", "/v1/teams", { token: foreign.owner.token, body: { name: "Theirs" } });
    expectStatus(theirs, 201);
    const before = await ownerQuery("select count(*)::int as n from teams where tenant_id = $1", [t.id]);
    const badMember = await call("POST", "/v1/teams", { token: t.owner.token, body: { name: "Mixed", member_ids: [foreign.owner.userId] } });
    expectError(badMember, 404, "NOT_FOUND");
    expect(badMember.body.error.field).toBe("member_ids.0");
    expectError(await call("POST", "/v1/teams", { token: t.owner.token, body: { name: "Overflow", escalation_team_id: theirs.body.id } }), 404, "NOT_FOUND");
    expect(await ownerQuery("select count(*)::int as n from teams where tenant_id = $1", [t.id])).toEqual(before);
    expectError(await call("GET", `/v1/teams/${theirs.body.id}`, { token: t.owner.token }), 404, "NOT_FOUND");
    expectError(await call("PATCH", `/v1/teams/${theirs.body.id}`, { token: t.owner.token, body: { name: "Mine now" } }), 404, "NOT_FOUND");
    expectError(await call("DELETE", `/v1/teams/${theirs.body.id}`, { token: t.owner.token }), 404, "NOT_FOUND");
    expect((await call("GET", `/v1/teams/${theirs.body.id}`, { token: foreign.owner.token })).body.name).toBe("Theirs");
  });

  it("updates a team (mode, escalation team, members) with optimistic locking, and deletes it", async () => {
    const a = await call("POST", "/v1/teams", { token: t.owner.token, body: { name: "Tier 1" } });
    const b = await call("POST", "/v1/teams", { token: t.owner.token, body: { name: "Tier 2", routing: "least_busy" } });
    const patched = await call("PATCH", `/v1/teams/${a.body.id}`, { token: t.owner.token, body: { routing: "manual", escalation_team_id: b.body.id, member_ids: [agent.userId, t.owner.userId], version: 1 } });
    expectStatus(patched, 200);
    expect(patched.body).toMatchObject({ routing: "manual", escalation_team_id: b.body.id, version: 2 });
    expect(patched.body.members).toHaveLength(2);
    expectError(await call("PATCH", `/v1/teams/${a.body.id}`, { token: t.owner.token, body: { name: "Stale", version: 1 } }), 409, "VERSION_CONFLICT");
    expectError(await call("PATCH", `/v1/teams/${a.body.id}`, { token: t.owner.token, body: { escalation_team_id: a.body.id } }), 400, "VALIDATION_FAILED");
    expectStatus(await call("DELETE", `/v1/teams/${b.body.id}`, { token: t.owner.token }), 204);
    expect((await call("GET", `/v1/teams/${a.body.id}`, { token: t.owner.token })).body.escalation_team_id).toBeNull();
  });

  it("lets an agent set their own availability but not their skills or capacity; managers set all three", async () => {
    const [me] = await ownerQuery<{ id: string }>("select id from tenant_members where tenant_id = $1 and user_id = $2", [t.id, agent.userId]);
    const own = await call("PATCH", `/v1/members/${me!.id}`, { token: agent.token, body: { availability: "away" } });
    expectStatus(own, 200);
    expect(own.body).toMatchObject({ user_id: agent.userId, availability: "away", capacity: 10 });
    expectError(await call("PATCH", `/v1/members/${me!.id}`, { token: agent.token, body: { capacity: 50 } }), 403, "FORBIDDEN");
    const managed = await call("PATCH", `/v1/members/${me!.id}`, { token: t.owner.token, body: { skills: ["lang:es", "Billing"], capacity: 3, availability: "online" } });
    expectStatus(managed, 200);
    expect(managed.body).toMatchObject({ skills: ["lang:es", "billing"], capacity: 3, availability: "online" });
    expectError(await call("PATCH", `/v1/members/${me!.id}`, { token: t.owner.token, body: { capacity: -1 } }), 400, "VALIDATION_FAILED");
    expectError(await call("PATCH", `/v1/members/${me!.id}`, { token: t.owner.token, body: {} }), 400, "VALIDATION_FAILED");
    expectError(await call("PATCH", `/v1/members/${me!.id}`, { token: foreign.owner.token, body: { availability: "offline" } }), 404, "NOT_FOUND");
    expect(await ownerQuery("select action from audit_log where tenant_id = $1 and action = 'member.profile_changed'", [t.id])).toHaveLength(2);
  });
});

describe("a channel's default team", () => {
  it("is set over the API, gives the channel's new conversations to that team, and refuses another workspace's team", async () => {
    const { tenant: t, foreign } = await createHarness();
    const team = await call("POST", "/v1/teams", { token: t.owner.token, body: { name: "Front desk" } });
    expectStatus(team, 201);
    const ch = await createApiChannel(t, { debounce_ms: 100 });
    const set = await call("PATCH", `/v1/channels/${ch.id}`, { token: t.owner.token, body: { default_team_id: team.body.id } });
    expectStatus(set, 200);
    expect(set.body.default_team_id).toBe(team.body.id);
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "desk-1" }, text: "Hello there" })), 200);
    const [conv] = await eventually(async () => {
      const rows = await ownerQuery("select team_id from conversations where channel_id = $1", [ch.id]);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(conv.team_id).toBe(team.body.id);
    const theirs = await call("POST", "/v1/teams", { token: foreign.owner.token, body: { name: "Theirs" } });
    expectError(await call("PATCH", `/v1/channels/${ch.id}`, { token: t.owner.token, body: { default_team_id: theirs.body.id } }), 404, "NOT_FOUND");
    const cleared = await call("PATCH", `/v1/channels/${ch.id}`, { token: t.owner.token, body: { default_team_id: null } });
    expect(cleared.body.default_team_id).toBeNull();
  });
});
