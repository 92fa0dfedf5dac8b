import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiMessage, createApiChannel, eventually, expectMessageCount, messagesOf, openLiveSocket, postSigned, botSettled } from "./channel-harness";
import { api, call, createHarness, createTenant, expectApiError, expectData, expectError, expectStatus, ownerQuery, tenantSnapshot, type TenantHandle } from "./harness";

/**
 * A conversation on a channel whose bot flow says nothing (a single `end`): these tests are about what
 * agents do, so the workspace's greeting must not add messages or move the state under them.
 */
async function conversationWithMessage(t: TenantHandle) {
  const ch = await createApiChannel(t);
  const flow = expectData(await t.api.POST("/v1/flows", { body: { name: "Silent", definition: { start: "done", nodes: { done: { type: "end" } } } } }), 201);
  expectData(await t.api.POST("/v1/flows/{id}/publish", { params: { path: { id: flow.id } }, body: {} }), 200);
  expectData(await t.api.PATCH("/v1/channels/{id}", { params: { path: { id: ch.id } }, body: { flow_id: flow.id } }), 200);
  expectStatus(await postSigned(ch, apiMessage({ text: "I need help" })), 200);
  await expectMessageCount(ch.id, 1);
  await botSettled(t.id);
  const list = expectData(await t.api.GET("/v1/conversations"), 200);
  return { ch, conv: list.data[0]! };
}

describe("conversations", () => {
  it("lets an agent reply: 202, a pending outbound message, an outbox event, and awaiting_customer", async () => {
    const t = await createTenant();
    const { conv } = await conversationWithMessage(t);
    const agent = await t.createUser("agent");
    const reply = expectData(await api(agent.token).POST("/v1/conversations/{id}/messages", { params: { path: { id: conv.id } }, body: { content: "Let me check that for you." } }), 202);
    expect(reply).toMatchObject({ direction: "outbound", sender_type: "agent", sender_id: agent.userId, status: expect.stringMatching(/pending|sent/), content: { type: "text", text: "Let me check that for you." } });
    const thread = expectData(await t.api.GET("/v1/conversations/{id}/messages", { params: { path: { id: conv.id } } }), 200);
    expect(thread.data.map((m) => m.direction)).toEqual(["inbound", "outbound"]);
    const updated = expectData(await t.api.GET("/v1/conversations/{id}", { params: { path: { id: conv.id } } }), 200);
    expect(updated).toMatchObject({ state: "awaiting_customer", first_response_at: expect.any(String), message_count: 2 });
    const events = await ownerQuery("select type from outbox_events where aggregate_id = $1", [reply.id]);
    // Published at once, so the delivery's message.sent may already be there too.
    expect(events.filter((e: { type: string }) => e.type === "message.outbound")).toHaveLength(1);
    expect(events.every((e: { type: string }) => ["message.outbound", "message.sent", "message.failed"].includes(e.type))).toBe(true);
  });

  it("filters the inbox by state and changes state and assignee through the state machine", async () => {
    const t = await createTenant();
    const { conv } = await conversationWithMessage(t);
    const agent = await t.createUser("agent");
    expect((await call("GET", "/v1/conversations?state=awaiting_agent", { token: t.owner.token })).body.data).toHaveLength(1);
    expect((await call("GET", "/v1/conversations?state=resolved", { token: t.owner.token })).body.data).toHaveLength(0);
    const assigned = await call("PATCH", `/v1/conversations/${conv.id}`, { token: t.owner.token, body: { assignee_id: agent.userId, state: "escalated" } });
    expectStatus(assigned, 200);
    expect(assigned.body).toMatchObject({ assignee_id: agent.userId, state: "escalated" });
    const resolved = await call("PATCH", `/v1/conversations/${conv.id}`, { token: agent.token, body: { state: "resolved" } });
    expect(resolved.body).toMatchObject({ state: "resolved", resolved_at: expect.any(String) });
    expectError(await call("PATCH", `/v1/conversations/${conv.id}`, { token: agent.token, body: { state: "awaiting_agent" } }), 400, "VALIDATION_FAILED");
  });

  it("reopens a resolved conversation when the customer writes again", async () => {
    const t = await createTenant();
    const { ch, conv } = await conversationWithMessage(t);
    expectStatus(await call("PATCH", `/v1/conversations/${conv.id}`, { token: t.owner.token, body: { state: "resolved" } }), 200);
    expectStatus(await postSigned(ch, apiMessage({ text: "Actually, one more thing" })), 200);
    await expectMessageCount(ch.id, 2);
    const again = await call("GET", `/v1/conversations/${conv.id}`, { token: t.owner.token });
    expect(again.body.state).toBe("reopened");
  });

  it("pushes new messages and replies live to a WebSocket, with the hibernation API", async () => {
    const t = await createTenant();
    const { ch, conv } = await conversationWithMessage(t);
    const { ws, next } = await openLiveSocket(`/v1/conversations/${conv.id}/live`, { "sec-websocket-protocol": `parley.v1, bearer.${t.owner.token}` });
    expectStatus(await postSigned(ch, apiMessage({ text: "Are you there?" })), 200);
    const inbound = await next();
    expect(inbound).toMatchObject({ type: "message.created", conversation_id: conv.id, message: { text: "Are you there?", direction: "inbound" } });
    await call("POST", `/v1/conversations/${conv.id}/messages`, { token: t.owner.token, body: { content: "Yes!" } });
    expect(await next()).toMatchObject({ type: "message.created", message: { text: "Yes!", direction: "outbound" } });
    ws.close();
  });

  it("returns 404 for another tenant's conversation on every route, the live socket included, and changes nothing", async () => {
    const { tenant, foreign } = await createHarness();
    const { conv } = await conversationWithMessage(foreign);
    const before = await tenantSnapshot(foreign.id);
    const count = async () => (await ownerQuery("select count(*)::int as n from messages where conversation_id = $1", [conv.id]))[0].n;
    const n = await count();
    const path = { path: { id: conv.id } };
    expectApiError(await tenant.api.GET("/v1/conversations/{id}", { params: path }), 404, "NOT_FOUND");
    expectApiError(await tenant.api.GET("/v1/conversations/{id}/messages", { params: path }), 404, "NOT_FOUND");
    expectApiError(await tenant.api.POST("/v1/conversations/{id}/messages", { params: path, body: { content: "hijack" } }), 404, "NOT_FOUND");
    expectApiError(await tenant.api.PATCH("/v1/conversations/{id}", { params: path, body: { state: "resolved" } }), 404, "NOT_FOUND");
    const live = await (exports as unknown as { default: Fetcher }).default.fetch(new Request(`https://parley.test/v1/conversations/${conv.id}/live`, { headers: { upgrade: "websocket", authorization: `Bearer ${tenant.owner.token}` } }));
    expect(live.status).toBe(404);
    expect((await call("GET", "/v1/conversations", { token: tenant.owner.token })).body.data).toEqual([]);
    expect(await count()).toBe(n);
    expect(await tenantSnapshot(foreign.id)).toBe(before);
  });

  it("refuses another tenant's member as assignee with 404", async () => {
    const { tenant, foreign } = await createHarness();
    const { conv } = await conversationWithMessage(tenant);
    const outsider = await foreign.createUser("agent");
    expectError(await call("PATCH", `/v1/conversations/${conv.id}`, { token: tenant.owner.token, body: { assignee_id: outsider.userId } }), 404);
    expect((await call("GET", `/v1/conversations/${conv.id}`, { token: tenant.owner.token })).body.assignee_id).toBeNull();
  });

  it("does not let a viewer reply", async () => {
    const t = await createTenant();
    const { conv } = await conversationWithMessage(t);
    const viewer = await t.createUser("viewer");
    expectError(await call("POST", `/v1/conversations/${conv.id}/messages`, { token: viewer.token, body: { content: "no" } }), 403);
    expect((await messagesOf(conv.channel_id)).length).toBe(1);
    await eventually(async () => true);
  });
});
