import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { addBusinessMs, type BusinessHours } from "../src/sla/business-hours";
import { apiMessage, botSettled, createApiChannel, eventually, postSigned, threadOf } from "./channel-harness";
import { call, createHarness, createTenant, expectError, expectStatus, ownerQuery, type TenantHandle } from "./harness";

/** A channel whose bot says nothing, so only agents and SLA clocks act on its conversations. */
async function quietChannel(t: TenantHandle) {
  const ch = await createApiChannel(t, { debounce_ms: 100 });
  const flow = await call("POST", "/v1/flows", { token: t.owner.token, body: { name: "Silent", definition: { start: "done", nodes: { done: { type: "end" } } } } });
  expectStatus(flow, 201);
  expectStatus(await call("POST", `/v1/flows/${flow.body.id}/publish`, { token: t.owner.token, body: {} }), 200);
  expectStatus(await call("PATCH", `/v1/channels/${ch.id}`, { token: t.owner.token, body: { flow_id: flow.body.id } }), 200);
  return ch;
}

/** A customer writes; returns the conversation once its SLA clock has started. */
async function customerWrites(t: TenantHandle, ch: Awaited<ReturnType<typeof quietChannel>>, customer: string) {
  expectStatus(await postSigned(ch, apiMessage({ from: { id: customer }, text: "My order never arrived" })), 200);
  return eventually(async () => {
    const [row] = await ownerQuery("select id from conversations where tenant_id = $1 and thread_key = $2", [t.id, `${ch.id}:${customer}`]);
    const conv = row ? (await call("GET", `/v1/conversations/${row.id}`, { token: t.owner.token })).body : undefined;
    expect(conv?.sla, JSON.stringify(conv)).toBeTruthy();
    return conv;
  });
}

const slaEvents = (conversationId: string) => ownerQuery("select metric, kind, cycle from sla_events where conversation_id = $1 order by fired_at, kind", [conversationId]);
const outboxSla = (conversationId: string) => ownerQuery("select type, payload->>'metric' as metric from outbox_events where aggregate_id = $1 and type like 'sla.%' order by created_at", [conversationId]);

describe("SLA policies", () => {
  it("are created, listed, changed and deleted; bad calendars and another workspace's ids are refused", async () => {
    const { tenant: t, foreign } = await createHarness();
    const body = {
      name: "Business",
      first_response_s: 3600,
      next_response_s: 1800,
      resolution_s: 86_400,
      warning_pct: 75,
      business_hours: { timezone: "Europe/Berlin", weekly: [{ day: "mon", open: "09:00", close: "12:00" }, { day: "mon", open: "13:00", close: "17:00" }, { day: "fri", open: "22:00", close: "02:00" }], holidays: ["2026-12-25"] },
      overrides: [{ channel_type: "email", first_response_s: 14_400 }, { priority: "P0", first_response_s: 300 }],
      match: { channel_types: ["api", "email"] },
    };
    const created = await call("POST", "/v1/sla-policies", { token: t.owner.token, body });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({ ...body, is_default: false, enabled: true, rank: 100, version: 1 });
    expect((await call("GET", "/v1/sla-policies", { token: t.owner.token })).body.data.map((p: any) => p.id)).toEqual([created.body.id]);
    const patched = await call("PATCH", `/v1/sla-policies/${created.body.id}`, { token: t.owner.token, body: { is_default: true, resolution_s: null }, headers: { "if-match": '"1"' } });
    expectStatus(patched, 200);
    expect(patched.body).toMatchObject({ is_default: true, resolution_s: null, version: 2 });
    expectError(await call("PATCH", `/v1/sla-policies/${created.body.id}`, { token: t.owner.token, body: { name: "x" }, headers: { "if-match": '"1"' } }), 409, "VERSION_CONFLICT");

    for (const bad of [
      { ...body, business_hours: { timezone: "Mars/Olympus", weekly: [{ day: "mon", open: "09:00", close: "17:00" }] } },
      { ...body, business_hours: { timezone: "UTC", weekly: [{ day: "mon", open: "09:00", close: "09:00" }] } },
      { ...body, business_hours: { timezone: "UTC", weekly: [{ day: "mon", open: "9am", close: "17:00" }] } },
      { ...body, overrides: [{ first_response_s: 10 }] },
      { ...body, first_response_s: 0 },
      { ...body, warning_pct: 100 },
    ]) {
      expectError(await call("POST", "/v1/sla-policies", { token: t.owner.token, body: bad }), 400, "VALIDATION_FAILED");
    }
    const foreignTeam = await ownerQuery("insert into teams (id, tenant_id, name) values (gen_random_uuid(), $1, 'Theirs') returning id", [foreign.id]).catch(() => []);
    if (foreignTeam[0]) expectError(await call("POST", "/v1/sla-policies", { token: t.owner.token, body: { ...body, match: { team_ids: [foreignTeam[0].id] } } }), 404, "NOT_FOUND");
    expectError(await call("GET", `/v1/sla-policies/${created.body.id}`, { token: foreign.owner.token }), 404, "NOT_FOUND");
    expectError(await call("PATCH", `/v1/sla-policies/${created.body.id}`, { token: foreign.owner.token, body: { name: "Mine" } }), 404, "NOT_FOUND");
    expectError(await call("DELETE", `/v1/sla-policies/${created.body.id}`, { token: foreign.owner.token }), 404, "NOT_FOUND");
    expect((await ownerQuery("select count(*)::int as n from sla_policies where tenant_id = $1", [t.id]))[0].n).toBe(1);
    expectStatus(await call("DELETE", `/v1/sla-policies/${created.body.id}`, { token: t.owner.token }), 204);
    expectError(await call("GET", `/v1/sla-policies/${created.body.id}`, { token: t.owner.token }), 404, "NOT_FOUND");
  });
});

describe("SLA clocks on conversations", () => {
  it("chooses the policy with its overrides, counts in business hours, pauses while waiting on the customer", async () => {
    const t = await createTenant();
    const ch = await quietChannel(t);
    const bh: BusinessHours = { timezone: "America/New_York", weekly: (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, open: "09:00", close: "17:00" })) };
    const fallback = await call("POST", "/v1/sla-policies", { token: t.owner.token, body: { name: "Default", first_response_s: 7200, is_default: true } });
    const api = await call("POST", "/v1/sla-policies", {
      token: t.owner.token,
      body: { name: "API", first_response_s: 3600, next_response_s: 1800, resolution_s: 28_800, business_hours: bh, overrides: [{ channel_type: "api", first_response_s: 5400 }], match: { channel_types: ["api"] } },
    });
    expectStatus(fallback, 201);
    expectStatus(api, 201);
    const conv = await customerWrites(t, ch, "cust-bh");
    expect(conv.sla).toMatchObject({ policy_id: api.body.id, breached: [], paused: false, next_response_due_at: null, business_hours: { timezone: "America/New_York" } });
    const [row] = await ownerQuery("select extract(epoch from created_at) * 1000 as at from conversations where id = $1", [conv.id]);
    const start = Math.round(Number(row.at));
    expect(Date.parse(conv.sla.first_response_due_at)).toBe(addBusinessMs(bh, start, 5400 * 1000));
    expect(Date.parse(conv.sla.resolution_due_at)).toBe(addBusinessMs(bh, start, 28_800 * 1000));

    // The agent answers: first response met; the conversation waits on the customer, clocks stand still.
    await botSettled(t.id);
    expectStatus(await call("POST", `/v1/conversations/${conv.id}/messages`, { token: t.owner.token, body: { content: "Looking into it" } }), 202);
    const waiting = (await call("GET", `/v1/conversations/${conv.id}`, { token: t.owner.token })).body;
    expect(waiting.sla).toMatchObject({ first_response_due_at: null, next_response_due_at: null, resolution_due_at: null, paused: true });

    // The customer writes again: a next-response clock starts from that message, the pause ends.
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "cust-bh" }, text: "Any news?" })), 200);
    const again = await eventually(async () => {
      const c = (await call("GET", `/v1/conversations/${conv.id}`, { token: t.owner.token })).body;
      expect(c.sla.next_response_due_at).not.toBeNull();
      return c;
    });
    expect(again.sla).toMatchObject({ paused: false, first_response_due_at: null });
    expect(Date.parse(again.sla.resolution_due_at)).toBeGreaterThanOrEqual(Date.parse(conv.sla.resolution_due_at));
  });

  it("credits the time spent waiting on the customer to the resolution clock once they write back", async () => {
    const t = await createTenant();
    const ch = await quietChannel(t);
    expectStatus(await call("POST", "/v1/sla-policies", { token: t.owner.token, body: { name: "Always on", first_response_s: 3600, resolution_s: 86_400, is_default: true } }), 201);
    const conv = await customerWrites(t, ch, "cust-pause");
    await botSettled(t.id);
    expectStatus(await call("POST", `/v1/conversations/${conv.id}/messages`, { token: t.owner.token, body: { content: "Could you send the order number?" } }), 202);
    // The reply's state change reaches the clock, which records when the wait began.
    await eventually(async () => expect((await ownerQuery("select paused_at from conversation_slas where conversation_id = $1", [conv.id]))[0]?.paused_at).toBeTruthy());
    await new Promise((r) => setTimeout(r, 1500));
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "cust-pause" }, text: "It is 4471" })), 200);
    await eventually(async () => {
      const now = (await call("GET", `/v1/conversations/${conv.id}`, { token: t.owner.token })).body;
      expect(now.sla.paused).toBe(false);
      expect(Date.parse(now.sla.resolution_due_at) - Date.parse(conv.sla.resolution_due_at)).toBeGreaterThanOrEqual(1400);
    });
  });

  it("fires sla.warning and sla.breached once each, across evictions, recorded with the metric", async () => {
    const t = await createTenant();
    const ch = await quietChannel(t);
    expectStatus(await call("POST", "/v1/sla-policies", { token: t.owner.token, body: { name: "Fast", first_response_s: 2, warning_pct: 50, is_default: true } }), 201);
    const conv = await customerWrites(t, ch, "cust-fast");
    const thread = threadOf(t.id, ch.id, "cust-fast");
    // The instance goes away between scheduling and firing: the alarm and the timers are in storage.
    await evictDurableObject(thread);
    await eventually(async () => expect((await slaEvents(conv.id)).map((e: any) => `${e.metric}:${e.kind}`)).toEqual(["first_response:warning", "first_response:breached"]), 20_000);
    // Fired again by hand, after another eviction (unless the runtime has already let the idle
    // instance go): the claim in Postgres makes it a no-op.
    await evictDurableObject(thread).catch((err: Error) => {
      if (!/not currently running/.test(err.message)) throw err;
    });
    await thread.scheduleSla({ conversationId: conv.id, at: Date.now() });
    await runDurableObjectAlarm(thread);
    expect(await slaEvents(conv.id)).toHaveLength(2);
    expect(await outboxSla(conv.id)).toEqual([
      { type: "sla.warning", metric: "first_response" },
      { type: "sla.breached", metric: "first_response" },
    ]);
    const got = (await call("GET", `/v1/conversations/${conv.id}`, { token: t.owner.token })).body;
    expect(got.sla.breached).toEqual(["first_response"]);
  });

  it("does nothing when a timer fires for a conversation resolved meanwhile", async () => {
    const t = await createTenant();
    const ch = await quietChannel(t);
    expectStatus(await call("POST", "/v1/sla-policies", { token: t.owner.token, body: { name: "Hour", first_response_s: 3600, is_default: true } }), 201);
    const resolved = await customerWrites(t, ch, "cust-r");
    const open = await customerWrites(t, ch, "cust-o");
    await botSettled(t.id);
    expectStatus(await call("PATCH", `/v1/conversations/${resolved.id}`, { token: t.owner.token, body: { state: "resolved" } }), 200);
    // Both clocks started two hours ago: both deadlines are long past when the timers fire.
    await ownerQuery("update conversation_slas set started_at = now() - interval '2 hours' where conversation_id = any($1)", [[resolved.id, open.id]]);
    for (const [customer, id] of [["cust-r", resolved.id], ["cust-o", open.id]] as const) {
      const thread = threadOf(t.id, ch.id, customer);
      await thread.scheduleSla({ conversationId: id, at: Date.now() });
      await runDurableObjectAlarm(thread);
    }
    await eventually(async () => expect((await slaEvents(open.id)).map((e: any) => e.kind)).toEqual(["breached"]));
    expect(await slaEvents(resolved.id)).toEqual([]);
    // The resolved conversation's timer is gone: nothing is left to wake the object for it.
    const stored = await runInDurableObject(threadOf(t.id, ch.id, "cust-r"), (_o, state) => state.storage.get(`sla:${resolved.id}`));
    expect(stored).toBeUndefined();
  });
});

describe("reports", () => {
  it("refuses a period that is not a real date or runs backwards, naming the field", async () => {
    const t = await createTenant();
    expectError(await call("GET", "/v1/reports?from=2026-02-30T00:00:00Z", { token: t.owner.token }), 400, "VALIDATION_FAILED");
    expectError(await call("GET", "/v1/reports?to=2026-13-01T00:00:00Z", { token: t.owner.token }), 400, "VALIDATION_FAILED");
    expectError(await call("GET", "/v1/reports?from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z", { token: t.owner.token }), 400, "VALIDATION_FAILED");
    expectStatus(await call("GET", "/v1/reports", { token: t.owner.token }), 200);
  });

  it("answers 404 for another workspace's team or channel to narrow to", async () => {
    const mine = await createTenant();
    const theirs = await createTenant();
    const team = await call("POST", "/v1/teams", { token: theirs.owner.token, body: { name: "Their team" } });
    expectStatus(team, 201);
    const ch = await createApiChannel(theirs, { debounce_ms: 100 });
    expectError(await call("GET", `/v1/reports?team_id=${team.body.id}`, { token: mine.owner.token }), 404, "NOT_FOUND");
    expectError(await call("GET", `/v1/reports?channel_id=${ch.id}`, { token: mine.owner.token }), 404, "NOT_FOUND");
    expectStatus(await call("GET", `/v1/reports?team_id=${team.body.id}`, { token: theirs.owner.token }), 200);
  });
});
