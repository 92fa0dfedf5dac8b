import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { apiMessage, createApiChannel, type ChannelHandle, eventually, expectMessageCount, groupEventsOf, groupsOf, messagesOf, postSigned, threadOf } from "./channel-harness";
import { call, createHarness, createTenant, expectError, expectStatus, ownerQuery } from "./harness";

/** Waits for the channel's single group and checks it holds the stored messages, in the order sent. */
async function expectOneGroupInOrder(ch: ChannelHandle, sent: string[]) {
  const [group] = await eventually(async () => {
    const groups = await groupsOf(ch.id);
    expect(groups).toHaveLength(1);
    return groups;
  });
  const stored = await messagesOf(ch.id);
  expect(stored.map((m) => m.external_id)).toEqual(sent);
  expect(group.message_ids).toEqual(stored.map((m) => m.id));
  return group;
}

describe("API channel ingestion", () => {
  it("turns a signed message into a contact, an open conversation and a thread message", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t);
    const msg = apiMessage({ from: { id: "cust-42", name: "Ada Lovelace" }, text: "Where is my order?" });
    const res = await postSigned(ch, msg);
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ ok: true, accepted: 1, duplicates: 0 });
    await expectMessageCount(ch.id, 1);
    const list = await call("GET", "/v1/conversations", { token: t.owner.token });
    expectStatus(list, 200);
    expect(list.body.data).toHaveLength(1);
    const conv = list.body.data[0];
    expect(conv).toMatchObject({ channel_id: ch.id, state: "awaiting_agent", message_count: 1 });
    const thread = await call("GET", `/v1/conversations/${conv.id}/messages`, { token: t.owner.token });
    expect(thread.body.data).toEqual([expect.objectContaining({ direction: "inbound", external_id: msg.external_id, content: { type: "text", text: "Where is my order?" } })]);
    const contact = await call("GET", `/v1/contacts/${conv.contact_id}`, { token: t.owner.token });
    expect(contact.body).toMatchObject({ name: "Ada Lovelace", external_ids: { api: "cust-42" } });
    const [event] = await ownerQuery("select verdict, external_ids, headers from channel_events where channel_id = $1", [ch.id]);
    expect(event).toMatchObject({ verdict: "accepted", external_ids: [msg.external_id] });
    expect(JSON.stringify(event.headers)).not.toContain(ch.secret);
  });

  it.each([
    ["one tampered byte", async (ch: any, body: string) => postSigned(ch, null, { raw: body.replace("Hello", "Hellp"), header: await sigOf(body, ch.secret) })],
    ["a missing signature header", async (ch: any, body: string) => postSigned(ch, null, { raw: body, header: null })],
    ["a garbled signature header", async (ch: any, body: string) => postSigned(ch, null, { raw: body, header: "sha256=zz" })],
    ["the wrong secret", async (ch: any, body: string) => postSigned(ch, null, { raw: body, secret: "not-the-secret" })],
  ])("rejects %s with 401, stores no message and logs the rejection", async (_label, send) => {
    const t = await createTenant();
    const ch = await createApiChannel(t);
    const body = JSON.stringify(apiMessage());
    const res = await send(ch, body);
    expectError(res, 401, "UNAUTHORIZED");
    expect(await messagesOf(ch.id)).toEqual([]);
    const events = await ownerQuery("select verdict, reason from channel_events where channel_id = $1", [ch.id]);
    expect(events).toEqual([{ verdict: "rejected", reason: expect.stringMatching(/X-Parley-Signature/) }]);
  });

  it("rejects one channel's secret on another channel's URL", async () => {
    const t = await createTenant();
    const a = await createApiChannel(t);
    const b = await createApiChannel(t);
    const res = await postSigned(b, apiMessage(), { secret: a.secret });
    expectError(res, 401);
    expect(await messagesOf(b.id)).toEqual([]);
  });

  it("answers 404 for unknown channels, wrong types and another tenant's path", async () => {
    const { tenant, foreign } = await createHarness();
    const ch = await createApiChannel(tenant);
    for (const path of [ch.webhookPath.replace(tenant.id, foreign.id), ch.webhookPath.replace("/api/", "/telegram/"), `/hooks/api/${tenant.id}/${crypto.randomUUID()}`]) {
      expectError(await postSigned(ch, apiMessage(), { path }), 404);
    }
  });

  it("stores the same message delivered 5 times concurrently once, in one group", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 200 });
    const msg = apiMessage();
    const results = await Promise.all(Array.from({ length: 5 }, () => postSigned(ch, msg)));
    for (const r of results) expectStatus(r, 200);
    expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(1);
    await eventually(async () => expect(await groupsOf(ch.id)).toHaveLength(1));
    expect(await messagesOf(ch.id)).toHaveLength(1);
    // A provider retry days later (after the object forgot nothing) is still a duplicate.
    expectStatus(await postSigned(ch, msg), 200);
    await new Promise((r) => setTimeout(r, 600));
    expect(await messagesOf(ch.id)).toHaveLength(1);
    expect(await groupEventsOf(t.id)).toHaveLength(1);
  });

  it("groups 20 messages sent over 2 seconds into one group, in order", async () => {
    const t = await createTenant();
    // Longer than the object keeps its database connection between alarms (2 s): an open connection
    // keeps an object alive, and the eviction below would wait for it to close.
    const ch = await createApiChannel(t, { debounce_ms: 3000 });
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const m = apiMessage({ external_id: `burst-${i}`, text: `part ${i}` });
      sent.push(m.external_id);
      expectStatus(await postSigned(ch, m), 200);
      await new Promise((r) => setTimeout(r, 100));
    }
    const group = await expectOneGroupInOrder(ch, sent);
    const events = await groupEventsOf(t.id);
    expect(events).toHaveLength(1);
    expect(events[0].payload.message_ids).toEqual(group.message_ids);
  });

  it("flushes a group exactly once when the alarm fails after committing", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 100 });
    await threadOf(t.id, ch.id, "cust-1").injectFault("afterGroupCommit", 1);
    expectStatus(await postSigned(ch, apiMessage()), 200);
    expectStatus(await postSigned(ch, apiMessage()), 200);
    await eventually(async () => {
      expect(await groupsOf(ch.id)).toHaveLength(1);
      // The retried alarm has cleared its state: nothing left to flush.
      expect(await ownerQuery("select 1 from outbox_events where tenant_id = $1 and type = 'message_group.ready'", [t.id])).toHaveLength(1);
    });
    await new Promise((r) => setTimeout(r, 2500));
    expect(await groupsOf(ch.id)).toHaveLength(1);
    expect(await groupEventsOf(t.id)).toHaveLength(1);
  });

  it("flushes one group, in order, when the thread object is evicted mid-window", async () => {
    const t = await createTenant();
    // Longer than the object keeps its database connection between alarms (2 s): an open connection
    // keeps an object alive, and the eviction below would wait for it to close.
    const ch = await createApiChannel(t, { debounce_ms: 3000 });
    const sent: string[] = [];
    const post = async (i: number) => {
      const m = apiMessage({ external_id: `evict-${i}`, text: `part ${i}` });
      sent.push(m.external_id);
      expectStatus(await postSigned(ch, m), 200);
    };
    await post(0);
    await post(1);
    // Tear the instance down: in-memory state is gone, storage (pending messages, the group, the alarm) stays.
    await evictDurableObject(threadOf(t.id, ch.id, "cust-1"));
    await post(2);
    await evictDurableObject(threadOf(t.id, ch.id, "cust-1"));
    await post(3);
    const group = await expectOneGroupInOrder(ch, sent);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await groupsOf(ch.id)).toHaveLength(1);
    expect(await groupEventsOf(t.id)).toHaveLength(1);
  });

  it("keeps acknowledged messages in the thread object while Postgres writes fail, then delivers them", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 100 });
    await threadOf(t.id, ch.id, "cust-1").injectFault("persist", 3);
    const msg = apiMessage();
    expectStatus(await postSigned(ch, msg), 200);
    await expectMessageCount(ch.id, 1);
    await eventually(async () => expect(await groupsOf(ch.id)).toHaveLength(1));
  });
});

async function sigOf(body: string, secret: string) {
  const { parleySignature } = await import("../src/channels/signatures");
  return parleySignature(new TextEncoder().encode(body), secret);
}

describe("raw delivery log", () => {
  it("lists every delivery with its verdict, and replays verified ones without duplicating", async () => {
    const { tenant, foreign } = await createHarness();
    const ch = await createApiChannel(tenant);
    const msg = apiMessage({ text: "logged" });
    expectStatus(await postSigned(ch, msg), 200);
    expectError(await postSigned(ch, apiMessage(), { secret: "wrong" }), 401);
    await expectMessageCount(ch.id, 1);
    const log = await eventually(async () => {
      const res = await call("GET", `/v1/channels/${ch.id}/events`, { token: tenant.owner.token });
      expectStatus(res, 200);
      expect(res.body.data).toHaveLength(2);
      return res.body.data;
    });
    const accepted = log.find((e: any) => e.verdict === "accepted");
    const rejected = log.find((e: any) => e.verdict === "rejected");
    expect(accepted).toMatchObject({ external_ids: [msg.external_id], body: JSON.stringify(msg), headers: { "x-parley-signature": "[present]" } });
    expect(rejected.reason).toBe("bad X-Parley-Signature");

    const replay = await call("POST", `/v1/channels/${ch.id}/events/${accepted.id}/replay`, { token: tenant.owner.token });
    expectStatus(replay, 200);
    expect(replay.body).toEqual({ resubmitted: 1, statuses: 0 });
    expectError(await call("POST", `/v1/channels/${ch.id}/events/${rejected.id}/replay`, { token: tenant.owner.token }), 409, "CONFLICT");
    await new Promise((r) => setTimeout(r, 1000)); // let the thread's alarm run: Postgres' key drops the copy
    expect(await messagesOf(ch.id)).toHaveLength(1);
    expect(await groupEventsOf(tenant.id)).toHaveLength(1);

    expectError(await call("GET", `/v1/channels/${ch.id}/events`, { token: foreign.owner.token }), 404);
    expectError(await call("POST", `/v1/channels/${ch.id}/events/${accepted.id}/replay`, { token: foreign.owner.token }), 404);
  });

  it("recovers a message the first delivery lost, by replay", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t);
    const msg = apiMessage({ text: "lost then found" });
    expectStatus(await postSigned(ch, msg), 200);
    await expectMessageCount(ch.id, 1);
    // Simulate a bug that dropped the stored message after the delivery was logged.
    await ownerQuery("delete from messages where channel_id = $1", [ch.id]);
    const [event] = await ownerQuery("select id from channel_events where channel_id = $1 and verdict = 'accepted'", [ch.id]);
    // A plain redelivery is still a duplicate to the thread object, which remembers ids for days...
    expectStatus(await postSigned(ch, msg), 200);
    await new Promise((r) => setTimeout(r, 800));
    expect(await messagesOf(ch.id)).toHaveLength(0);
    // ...but a replay from the log lets Postgres judge, and the row is back.
    const replay = await call("POST", `/v1/channels/${ch.id}/events/${event.id}/replay`, { token: t.owner.token });
    expectStatus(replay, 200);
    await expectMessageCount(ch.id, 1);
    expect((await messagesOf(ch.id))[0].external_id).toBe(msg.external_id);
  });
});
