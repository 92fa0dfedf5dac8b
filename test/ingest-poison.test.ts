import { describe, expect, it } from "vitest";
import { apiMessage, createApiChannel, eventually, expectMessageCount, groupEventsOf, groupsOf, messagesOf, postSigned, threadOf } from "./channel-harness";
import { call, createTenant, expectError, expectStatus, ownerQuery } from "./harness";

describe("inputs Postgres cannot store", () => {
  it("stores a text with a NUL, a lone surrogate and an absurd timestamp, normalized at the edge", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 100 });
    // Written by hand: JSON.stringify would escape the lone surrogate, which is what a provider may send.
    const raw = `{"external_id":"poison-1","from":{"id":"cust-p"},"text":"a\\u0000b\\ud800c","timestamp":1e20}`;
    expectStatus(await postSigned(ch, undefined, { raw }), 200);
    await expectMessageCount(ch.id, 1);
    const [row] = await ownerQuery("select text, content, provider_timestamp from messages where channel_id = $1", [ch.id]);
    expect(row.text).toBe("ab\uFFFDc");
    expect(row.content.text).toBe("ab\uFFFDc");
    // The arrival time stands in for a timestamp no clock produces.
    expect(Math.abs(new Date(row.provider_timestamp).getTime() - Date.now())).toBeLessThan(60_000);
    await eventually(async () => expect(await groupsOf(ch.id)).toHaveLength(1));
  });

  it("refuses with 400, storing nothing, an id Postgres cannot hold", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t);
    const raw = `{"external_id":"bad\\u0000id","from":{"id":"cust-p"},"text":"hi"}`;
    const res = await postSigned(ch, undefined, { raw });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.error.message).toContain("external_id");
    await new Promise((r) => setTimeout(r, 500));
    expect(await messagesOf(ch.id)).toHaveLength(0);
  });

  it("sets a message Postgres refuses aside, visibly, and delivers the messages behind it", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 100 });
    const thread = threadOf(t.id, ch.id, "cust-1");
    const poison = apiMessage({ external_id: "refused-1", text: "cannot be stored" });
    await thread.injectRefusal(poison.external_id);
    expectStatus(await postSigned(ch, poison), 200);
    const after = [apiMessage({ text: "first after" }), apiMessage({ text: "second after" })];
    for (const m of after) expectStatus(await postSigned(ch, m), 200);
    await expectMessageCount(ch.id, 2);
    expect((await messagesOf(ch.id)).map((m) => m.external_id)).toEqual(after.map((m) => m.external_id));
    const [setAside] = await eventually(async () => {
      const rows = await ownerQuery("select verdict, reason, external_ids, body from channel_events where channel_id = $1 and verdict = 'rejected'", [ch.id]);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(setAside.reason).toMatch(/^set aside: Postgres refused it \(22P05\)/);
    expect(setAside.external_ids).toEqual(["refused-1"]);
    expect(JSON.parse(setAside.body).content.text).toBe("cannot be stored");
    expect((await thread.faultsFired()).refuse).toBeGreaterThanOrEqual(3);
    // The tenant sees it in the channel's event log.
    const log = await call("GET", `/v1/channels/${ch.id}/events?verdict=rejected`, { token: t.owner.token });
    expectStatus(log, 200);
    expect(log.body.data[0].reason).toMatch(/^set aside/);
    // The messages that got through are answered as one group, without the one set aside.
    const [group] = await eventually(async () => {
      const groups = await groupsOf(ch.id);
      expect(groups).toHaveLength(1);
      return groups;
    });
    expect(group.message_ids).toEqual((await messagesOf(ch.id)).map((m) => m.id));
  });
});

describe("stops at any point of persist and flush", () => {
  it("keeps the group's membership when the thread stops after Postgres committed the batch", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 400 });
    const thread = threadOf(t.id, ch.id, "cust-1");
    await thread.injectFault("afterPersistCommit", 1);
    const sent = [apiMessage({ text: "one" }), apiMessage({ text: "two" })];
    for (const m of sent) expectStatus(await postSigned(ch, m), 200);
    const [group] = await eventually(async () => {
      const groups = await groupsOf(ch.id);
      expect(groups).toHaveLength(1);
      return groups;
    });
    expect((await thread.faultsFired()).afterPersistCommit).toBe(1);
    const stored = await messagesOf(ch.id);
    expect(stored.map((m) => m.external_id)).toEqual(sent.map((m) => m.external_id));
    expect(group.message_ids).toEqual(stored.map((m) => m.id));
    // One `message.received` per message, one group event: the retry wrote nothing twice.
    const received = await ownerQuery("select aggregate_id from outbox_events where tenant_id = $1 and type = 'message.received'", [t.id]);
    expect(received.map((r) => r.aggregate_id).sort()).toEqual(stored.map((m) => m.id).sort());
    expect(await groupEventsOf(t.id)).toHaveLength(1);
  });

  it("keeps the group's membership when the thread stops before the Postgres write", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 300 });
    const thread = threadOf(t.id, ch.id, "cust-1");
    await thread.injectFault("persist", 2);
    expectStatus(await postSigned(ch, apiMessage()), 200);
    const [group] = await eventually(async () => {
      const groups = await groupsOf(ch.id);
      expect(groups).toHaveLength(1);
      return groups;
    });
    expect((await thread.faultsFired()).persist).toBe(2);
    expect(group.message_ids).toEqual((await messagesOf(ch.id)).map((m) => m.id));
  });
});

describe("unauthenticated deliveries", () => {
  it("answers 404 for a webhook post to a web chat channel", async () => {
    const t = await createTenant();
    const res = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "webchat", name: "Site chat", config: { allowed_origins: ["https://shop.example.com"] } } });
    expectStatus(res, 201);
    const hook = `/hooks/webchat/${t.id}/${res.body.id}`;
    expectError(await call("POST", hook, { rawBody: "x".repeat(10_000), headers: { "content-type": "application/json" } }), 404, "NOT_FOUND");
    expect(await ownerQuery("select 1 from channel_events where channel_id = $1", [res.body.id])).toHaveLength(0);
  });

  it("keeps only a short excerpt of a delivery that fails verification", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t);
    const raw = JSON.stringify({ ...apiMessage(), padding: "p".repeat(20_000) });
    expectError(await postSigned(ch, undefined, { raw, secret: "not-the-secret-not-the-secret-123" }), 401, "UNAUTHORIZED");
    const [row] = await ownerQuery("select verdict, length(body) as len, body_truncated from channel_events where channel_id = $1", [ch.id]);
    expect(row.verdict).toBe("rejected");
    expect(Number(row.len)).toBeLessThanOrEqual(2048);
    expect(row.body_truncated).toBe(true);
  });

  it("logs at most 30 unverified deliveries a minute per channel, and still refuses the rest", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t);
    for (let i = 0; i < 33; i++) {
      expectError(await postSigned(ch, apiMessage(), { secret: "not-the-secret-not-the-secret-123" }), 401, "UNAUTHORIZED");
    }
    const [row] = await ownerQuery("select count(*)::int as n from channel_events where channel_id = $1 and verdict = 'rejected'", [ch.id]);
    expect(row.n).toBe(30);
  });

  it("refuses a body over the size limit with 413", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t);
    expectError(await postSigned(ch, undefined, { raw: "x".repeat(1024 * 1024 + 1) }), 413, "PAYLOAD_TOO_LARGE");
  });
});
