import { beforeAll, describe, expect, it } from "vitest";
import { call, createHarness, expectError, expectStatus, ownerQuery, type Session, type TenantHandle } from "./harness";

async function bareConversation(t: TenantHandle): Promise<string> {
  const [row] = await ownerQuery<{ id: string }>(
    `with ch as (insert into channels (id, tenant_id, type, name) values (gen_random_uuid(), $1, 'api', 'seeded') returning id),
          co as (insert into contacts (id, tenant_id, name) values (gen_random_uuid(), $1, 'Customer') returning id)
     insert into conversations (id, tenant_id, channel_id, contact_id, thread_key) select gen_random_uuid(), $1, ch.id, co.id, ch.id || ':' || co.id from ch, co returning id`,
    [t.id],
  );
  return row!.id;
}

describe("internal notes and mentions", () => {
  let t: TenantHandle;
  let foreign: TenantHandle;
  let agent: Session;
  beforeAll(async () => {
    ({ tenant: t, foreign } = await createHarness());
    agent = await t.createUser("agent");
  });

  it("adds a note that never becomes a message, and notifies the member it mentions", async () => {
    const conv = await bareConversation(t);
    const local = agent.email.split("@")[0];
    const res = await call("POST", `/v1/conversations/${conv}/notes`, { token: t.owner.token, body: { content: `@${local} can you check the refund? (and not @nobody-here)` } });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ conversation_id: conv, author_id: t.owner.userId, author_type: "user", mentions: [agent.userId] });
    expect(await ownerQuery("select count(*)::int as n from messages where conversation_id = $1", [conv])).toEqual([{ n: 0 }]);
    expect(await ownerQuery("select count(*)::int as n from outbox_events where tenant_id = $1 and type = 'message.outbound'", [t.id])).toEqual([{ n: 0 }]);
    const list = await call("GET", `/v1/conversations/${conv}/notes`, { token: agent.token });
    expectStatus(list, 200);
    expect(list.body.data.map((n: { id: string }) => n.id)).toEqual([res.body.id]);

    const inbox = await call("GET", "/v1/notifications?unread=true", { token: agent.token });
    expectStatus(inbox, 200);
    expect(inbox.body.unread).toBe(1);
    expect(inbox.body.data).toEqual([expect.objectContaining({ kind: "mention", conversation_id: conv, note_id: res.body.id, actor_id: t.owner.userId })]);
    // Only the mentioned member sees it; the author is not notified of their own note.
    expect((await call("GET", "/v1/notifications", { token: t.owner.token })).body.data).toEqual([]);
    const id = inbox.body.data[0].id;
    expectError(await call("POST", `/v1/notifications/${id}/read`, { token: t.owner.token }), 404, "NOT_FOUND");
    const read = await call("POST", `/v1/notifications/${id}/read`, { token: agent.token });
    expectStatus(read, 200);
    expect(read.body.read_at).not.toBeNull();
    expect((await call("GET", "/v1/notifications?unread=true", { token: agent.token })).body.unread).toBe(0);
  });

  it("refuses empty notes and another workspace's conversation, writing nothing", async () => {
    const conv = await bareConversation(t);
    expectError(await call("POST", `/v1/conversations/${conv}/notes`, { token: t.owner.token, body: { content: "   " } }), 400, "VALIDATION_FAILED");
    expectError(await call("POST", `/v1/conversations/${conv}/notes`, { token: foreign.owner.token, body: { content: "peek" } }), 404, "NOT_FOUND");
    expectError(await call("GET", `/v1/conversations/${conv}/notes`, { token: foreign.owner.token }), 404, "NOT_FOUND");
    expect(await ownerQuery("select count(*)::int as n from internal_notes where conversation_id = $1", [conv])).toEqual([{ n: 0 }]);
  });

  it("exposes the conversation's team_id and assignee_id", async () => {
    const conv = await bareConversation(t);
    const team = await call("POST", "/v1/teams", { token: t.owner.token, body: { name: "Support" } });
    await ownerQuery("update conversations set team_id = $1 where id = $2", [team.body.id, conv]);
    const got = await call("GET", `/v1/conversations/${conv}`, { token: agent.token });
    expectStatus(got, 200);
    expect(got.body).toMatchObject({ team_id: team.body.id, assignee_id: null });
  });
});
