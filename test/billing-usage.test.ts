import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { checkMessageQuota } from "../durable-objects/tenant-quota/client";
import type { TenantQuota } from "../durable-objects/tenant-quota/tenant-quota";
import { Database } from "../src/db/client";
import { loadConfig } from "../src/env";
import { assertPlanAllows } from "../src/services/billing/limits";
import type { UsageReport } from "../src/services/billing/usage";
import { PLANS } from "../tenants/plans";
import { counters, insertMessageEvents, runQueue, stripeDouble, subscribe, until, workerEnv } from "./billing-harness";
import { apiMessage, createApiChannel, expectMessageCount, postSigned } from "./channel-harness";
import { call, createTenant, expectError, expectStatus, ownerQuery } from "./harness";

const meterEvents = async (customer: string) => (await stripeDouble(`/meter-events?customer=${customer}`)).data as any[];
const streamCalls = async (customer: string) => (await stripeDouble(`/requests?path=/v2/billing/meter_event_stream&customer=${customer}`)).data as any[];

describe("usage metering", () => {
  it("counts each sent message once, however often the outbox delivers it, and never bills what customers send", async () => {
    const t = await createTenant();
    const events = [...(await insertMessageEvents(t.id, 3, "message.received")), ...(await insertMessageEvents(t.id, 2, "message.sent"))];
    const first = await runQueue("parley-outbox", events);
    expect(first.explicitAcks, JSON.stringify(first)).toHaveLength(5);
    await runQueue("parley-outbox", events, 2);
    await Promise.all([runQueue("parley-outbox", events.slice(3), 3), runQueue("parley-outbox", events.slice(3), 3)]);
    expect(await counters(t.id)).toEqual([expect.objectContaining({ quantity: "2", reported: "0" })]);
    const res = await call("GET", "/v1/billing", { token: t.owner.token });
    // A trial is not billed: counted exactly, nothing sent to Stripe.
    expect(res.body, res.text).toMatchObject({ usage: { messages: 2 }, reported: { messages: 0 } });
  });

  it("counts an event queued across a period change on the period it happened in, once", async () => {
    const t = await createTenant();
    const now = new Date();
    const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    await ownerQuery("insert into usage_counters (tenant_id, meter, period_start, quantity) values ($1, 'messages', $2, 3)", [t.id, lastMonth.toISOString()]);
    const [late, current] = await insertMessageEvents(t.id, 2);
    // Written on the last day of the previous period, delivered after the period changed.
    const queued = { ...late!, created_at: new Date(thisMonth.getTime() - 3600_000).toISOString() };
    await runQueue("parley-outbox", [queued, current!]);
    await runQueue("parley-outbox", [queued]);
    expect((await counters(t.id)).map((c) => [new Date(c.period_start).toISOString(), c.quantity])).toEqual([
      [lastMonth.toISOString(), "4"],
      [thisMonth.toISOString(), "1"],
    ]);
  });

  it("reports a subscribed workspace's messages to Stripe in batches, identified by their outbox event ids", async () => {
    const t = await createTenant();
    const { customer } = await subscribe(t);
    const events = await insertMessageEvents(t.id, 7);
    await runQueue("parley-outbox", events);
    // The usage queue delivers after its batch timeout; `reported` moves only once Stripe has accepted.
    await until(async () => expect(await counters(t.id)).toEqual([expect.objectContaining({ quantity: "7", reported: "7" })]));
    const received = await meterEvents(customer);
    expect(received.map((e) => e.identifier).sort()).toEqual(events.map((e) => e.id).sort());
    expect(received[0]).toMatchObject({ event_name: "parley_messages", payload: { stripe_customer_id: customer, value: "1" } });
    expect((await streamCalls(customer)).length).toBeLessThan(7);
    const res = await call("GET", "/v1/billing", { token: t.owner.token });
    expect(res.body, res.text).toMatchObject({ plan: "starter", usage: { messages: 7 }, reported: { messages: 7 } });
  });

  it("reports meter events retried after a failure once", async () => {
    const t = await createTenant();
    const { customer, subscription } = await subscribe(t);
    const periodStart = new Date(subscription.items.data[0].current_period_start * 1000).toISOString();
    // The counting stage, as the outbox consumer leaves it: four units counted, none reported yet.
    const events = await insertMessageEvents(t.id, 4);
    await ownerQuery("insert into usage_counters (tenant_id, meter, period_start, quantity) values ($1, 'messages', $2, 4)", [t.id, periodStart]);
    const reports: UsageReport[] = events.map((e) => ({
      ...e, type: "usage.report", aggregate_type: "usage", aggregate_id: "messages",
      payload: { meter: "messages", period_start: periodStart, stripe_customer_id: customer, event_name: "parley_messages" },
    }));

    // Stripe fails before doing anything (twice: the SDK's own retry fails too): the whole batch is retried.
    await stripeDouble("/fail", { path: "/v2/billing/meter_event_stream", count: 2, mode: "before", customer });
    const failed = await runQueue("parley-usage", reports);
    expect(failed.retryMessages, JSON.stringify(failed)).toHaveLength(4);
    expect(await meterEvents(customer)).toHaveLength(0);
    expect(await counters(t.id)).toEqual([expect.objectContaining({ reported: "0" })]);

    // Stripe records the events but the answer is lost (a 500 it also replays for the same idempotency key).
    await stripeDouble("/fail", { path: "/v2/billing/meter_event_stream", count: 1, mode: "after", customer });
    const lost = await runQueue("parley-usage", reports, 2);
    expect(lost.retryMessages).toHaveLength(4);
    expect(await meterEvents(customer)).toHaveLength(4);

    const ok = await runQueue("parley-usage", reports, 3);
    expect(ok.explicitAcks).toHaveLength(4);
    await runQueue("parley-usage", reports, 4); // a redelivery after success
    expect((await meterEvents(customer)).map((e) => e.identifier).sort()).toEqual(events.map((e) => e.id).sort());
    expect(await counters(t.id)).toEqual([expect.objectContaining({ quantity: "4", reported: "4" })]);
  });
});

describe("plan limits at the edge", () => {
  it("refuses messages past the plan's limit from the quota object, without rereading Postgres per message", async () => {
    const t = await createTenant();
    const limit = PLANS.trial.limits.messages;
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound", units: limit - 10 })).toMatchObject({ allowed: true });
    const stub = env.TENANT_QUOTA.get(env.TENANT_QUOTA.idFromName(t.id));
    const loadedAt = await runInDurableObject(stub, (o: TenantQuota) => (o as any).state.loadedAt as number);
    for (let i = 0; i < 9; i++) expect((await checkMessageQuota(workerEnv, t.id, { direction: "outbound" })).allowed).toBe(true);
    const last = await checkMessageQuota(workerEnv, t.id, { direction: "outbound" });
    expect(last).toMatchObject({ allowed: true, used: limit, warning: expect.stringContaining(`${limit}`) });
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound" })).toMatchObject({ allowed: false, reason: "limit_reached" });
    // What customers send is never refused, and uses up nothing.
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "inbound" })).toMatchObject({ allowed: true });
    expect(await runInDurableObject(stub, (o: TenantQuota) => (o as any).state.loadedAt)).toBe(loadedAt);
  });

  it("refuses an agent's reply with 402 once the period's messages are used up, storing nothing", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t);
    expectStatus(await postSigned(ch, apiMessage()), 200);
    await expectMessageCount(ch.id, 1);
    const conv = (await call("GET", "/v1/conversations", { token: t.owner.token })).body.data[0];
    expectStatus(await call("POST", `/v1/conversations/${conv.id}/messages`, { token: t.owner.token, body: { content: "First answer" } }), 202);
    // Use up the rest of the period's messages (the decision says how many are used so far).
    const { used } = await checkMessageQuota(workerEnv, t.id, { direction: "outbound", units: 0 });
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound", units: PLANS.trial.limits.messages - used })).toMatchObject({ allowed: true });
    const refused = await call("POST", `/v1/conversations/${conv.id}/messages`, { token: t.owner.token, body: { content: "One too many" } });
    expectError(refused, 402, "PAYMENT_REQUIRED");
    expect(refused.body.error.message).toMatch(/limit|plan/i);
    expect(await ownerQuery("select text from messages where conversation_id = $1 and direction = 'outbound' and sender_type = 'agent'", [conv.id])).toEqual([{ text: "First answer" }]);
    // Customers can still write in: nothing they send is turned away.
    expectStatus(await postSigned(ch, apiMessage({ text: "Hello again" })), 200);
    await expectMessageCount(ch.id, 2); // the customer's two messages
  });

  it("caps channels and seats at the plan's numbers on the routes that add them", async () => {
    const t = await createTenant();
    for (let i = 0; i < PLANS.trial.limits.channels; i++) await createApiChannel(t);
    const extra = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "webchat", name: "One more", config: { allowed_origins: ["https://shop.example.com"] } } });
    expectError(extra, 402, "PAYMENT_REQUIRED");
    expect(extra.body.error.message).toContain(`${PLANS.trial.limits.channels} channels`);
    expect(await ownerQuery("select count(*)::int as n from channels where tenant_id = $1", [t.id])).toEqual([{ n: PLANS.trial.limits.channels }]);

    const seats = PLANS.trial.limits.seats!;
    for (let i = 1; i < seats; i++) expectStatus(await call("POST", "/v1/members", { token: t.owner.token, body: { email: `seat-${i}-${crypto.randomUUID().slice(0, 8)}@example.com`, role: "agent" } }), 201);
    const over = await call("POST", "/v1/members", { token: t.owner.token, body: { email: `seat-over-${crypto.randomUUID().slice(0, 8)}@example.com`, role: "agent" } });
    expectError(over, 402, "PAYMENT_REQUIRED");
    expect(await ownerQuery("select count(*)::int as n from tenant_members where tenant_id = $1", [t.id])).toEqual([{ n: seats }]);

    await subscribe(t, "starter");
    expectStatus(await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "webchat", name: "One more", config: { allowed_origins: ["https://shop.example.com"] } } }), 201);
  });

  it("raises the limit the moment a subscription starts", async () => {
    const t = await createTenant();
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound", units: PLANS.trial.limits.messages })).toMatchObject({ allowed: true });
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound" })).toMatchObject({ allowed: false, reason: "limit_reached" });
    await subscribe(t, "starter");
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound" })).toMatchObject({ allowed: true, limit: PLANS.starter.limits.messages });
  });

  it("caps channels and seats by plan for the code that adds them", async () => {
    const t = await createTenant();
    const db = new Database(loadConfig(workerEnv));
    try {
      await db.scoped({ tenantId: t.id }, (tx) => assertPlanAllows(tx, t.id, "channels", PLANS.trial.limits.channels - 1));
      await expect(db.scoped({ tenantId: t.id }, (tx) => assertPlanAllows(tx, t.id, "channels", PLANS.trial.limits.channels))).rejects.toMatchObject({ code: "PAYMENT_REQUIRED" });
      await subscribe(t, "scale");
      await db.scoped({ tenantId: t.id }, (tx) => assertPlanAllows(tx, t.id, "seats", 10_000));
    } finally {
      await db.close();
    }
  });

  it("counts units from the database when the quota object starts, so a restart forgets nothing", async () => {
    const t = await createTenant();
    // Three messages the workspace sent this period, written as the reply path writes them.
    const contact = await t.createContact();
    const [ch] = await ownerQuery("insert into channels (id, tenant_id, type, name) values (gen_random_uuid(), $1, 'api', 'seeded') returning id", [t.id]);
    const [conv] = await ownerQuery("insert into conversations (id, tenant_id, channel_id, contact_id, thread_key) values (gen_random_uuid(), $1, $2, $3, 'seeded') returning id", [t.id, ch.id, contact.id]);
    for (let i = 0; i < 3; i++) {
      await ownerQuery("insert into messages (id, tenant_id, conversation_id, channel_id, direction, sender_type, content, status) values (gen_random_uuid(), $1, $2, $3, 'outbound', 'agent', '{}'::jsonb, 'sent')", [t.id, conv.id, ch.id]);
    }
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound" })).toMatchObject({ allowed: true, used: 4 });
    expectStatus(await call("GET", "/v1/billing", { token: t.owner.token }), 200);
  });
});
