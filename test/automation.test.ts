import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Database } from "../src/db/client";
import { loadConfig, type Env } from "../src/env";
import { createLogger } from "../src/lib/log";
import type { ServiceContext } from "../src/services/context";
import { runAutomation } from "../src/services/automation/engine";
import { openRuleSecret } from "../src/services/automation/secret";
import { runQueue } from "./billing-harness";
import { apiMessage, botSettled, createApiChannel, eventually, postSigned } from "./channel-harness";
import { call, createHarness, createTenant, expectError, expectStatus, ownerQuery, type TenantHandle } from "./harness";

function systemCtx(tenantId: string): ServiceContext {
  const config = loadConfig(env as unknown as Env);
  return { requestId: "test", config, env: env as unknown as Env, db: new Database(config), log: createLogger({}, true), tenantId, actor: { type: "system", name: "test" } };
}

async function quietConversation(t: TenantHandle, customer = "cust-1") {
  const ch = await createApiChannel(t, { debounce_ms: 100 });
  const flow = await call("POST", "/v1/flows", { token: t.owner.token, body: { name: "Silent", definition: { start: "done", nodes: { done: { type: "end" } } } } });
  expectStatus(await call("POST", `/v1/flows/${flow.body.id}/publish`, { token: t.owner.token, body: {} }), 200);
  expectStatus(await call("PATCH", `/v1/channels/${ch.id}`, { token: t.owner.token, body: { flow_id: flow.body.id } }), 200);
  expectStatus(await postSigned(ch, apiMessage({ from: { id: customer }, text: "Where is my refund?" })), 200);
  const [conv] = await eventually(async () => {
    const rows = await ownerQuery("select id from conversations where tenant_id = $1 and thread_key = $2", [t.id, `${ch.id}:${customer}`]);
    expect(rows).toHaveLength(1);
    return rows;
  });
  return { ch, conversationId: conv.id as string };
}

const runsOf = async (t: TenantHandle, ruleId: string) => (await call("GET", `/v1/automation-rules/${ruleId}/runs`, { token: t.owner.token })).body.data as any[];

describe("automation rules", () => {
  it("are created, listed, changed and deleted; bad conditions and another workspace's ids are refused", async () => {
    const { tenant: t, foreign } = await createHarness();
    const body = { name: "Urgent to P0", trigger: "message.received", conditions: { var: "intent", op: "eq", value: "urgent_high_risk" }, actions: [{ type: "set_priority", priority: "P0" }], priority: 10, cooldown_s: 60 };
    const created = await call("POST", "/v1/automation-rules", { token: t.owner.token, body });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({ ...body, stop_processing: false, cooldown_key: "conversation", enabled: true, version: 1, signing_secret: expect.any(String) });
    const got = await call("GET", `/v1/automation-rules/${created.body.id}`, { token: t.owner.token });
    expect(got.body.signing_secret).toBeUndefined();
    // At rest the secret is sealed with the credentials key ring and bound to its rule.
    const [stored] = await ownerQuery<{ signing_secret: string }>("select signing_secret from automation_rules where id = $1", [created.body.id]);
    expect(stored!.signing_secret).toMatch(/^sealed:/);
    expect(stored!.signing_secret).not.toContain(created.body.signing_secret);
    const config = loadConfig(env as unknown as Env);
    expect(await openRuleSecret(config, t.id, created.body.id, stored!.signing_secret)).toBe(created.body.signing_secret);
    await expect(openRuleSecret(config, t.id, crypto.randomUUID(), stored!.signing_secret)).rejects.toThrow();
    expect((await call("GET", "/v1/automation-rules?trigger=message.received", { token: t.owner.token })).body.data).toHaveLength(1);
    expect((await call("GET", "/v1/automation-rules?trigger=sla.breached", { token: t.owner.token })).body.data).toHaveLength(0);
    expect((await call("PATCH", `/v1/automation-rules/${created.body.id}`, { token: t.owner.token, body: { enabled: false } })).body).toMatchObject({ enabled: false, version: 2 });
    for (const bad of [
      { ...body, conditions: "intent ==" },
      { ...body, conditions: { var: "nothing.here", op: "eq", value: 1 } },
      { ...body, trigger: "ticket.created" },
      { ...body, actions: [] },
      { ...body, actions: [{ type: "send_webhook", url: "http://127.0.0.1/hook" }] },
      { ...body, actions: [{ type: "explode" }] },
    ]) {
      expectError(await call("POST", "/v1/automation-rules", { token: t.owner.token, body: bad }), 400, "VALIDATION_FAILED");
    }
    expectError(await call("POST", "/v1/automation-rules", { token: t.owner.token, body: { ...body, actions: [{ type: "assign_agent", agent_id: foreign.owner.userId }] } }), 404, "NOT_FOUND");
    expectError(await call("GET", `/v1/automation-rules/${created.body.id}`, { token: foreign.owner.token }), 404, "NOT_FOUND");
    expectError(await call("GET", `/v1/automation-rules/${created.body.id}/runs`, { token: foreign.owner.token }), 404, "NOT_FOUND");
    expectStatus(await call("DELETE", `/v1/automation-rules/${created.body.id}`, { token: t.owner.token }), 204);
    expectError(await call("GET", `/v1/automation-rules/${created.body.id}`, { token: t.owner.token }), 404, "NOT_FOUND");
  });

  it("tells each event of one queue delivery what applies to it: first messages run conversation.created rules, every message its own", async () => {
    const t = await createTenant();
    const a = await quietConversation(t, "cust-a");
    expectStatus(await postSigned(a.ch, apiMessage({ from: { id: "cust-a" }, text: "And another thing" })), 200);
    const b = await quietConversation(t, "cust-b");
    const events = await eventually(async () => {
      const rows = await ownerQuery("select id, tenant_id, type, aggregate_type, aggregate_id, payload, created_at from outbox_events where tenant_id = $1 and type = 'message.received' order by created_at", [t.id]);
      expect(rows).toHaveLength(3);
      return rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() }));
    });
    // Rules made after the events first went by: redelivered in one batch, each event runs them now.
    const rule = async (trigger: string) => {
      const res = await call("POST", "/v1/automation-rules", { token: t.owner.token, body: { name: trigger, trigger, actions: [{ type: "add_label", label: trigger }], cooldown_s: 0 } });
      expectStatus(res, 201);
      return res.body.id as string;
    };
    const created = await rule("conversation.created");
    const received = await rule("message.received");
    const delivered = await runQueue("parley-outbox", events);
    expect(delivered.explicitAcks, JSON.stringify(delivered)).toHaveLength(3);
    const conversationsOf = async (ruleId: string) => (await runsOf(t, ruleId)).map((r) => r.conversation_id).sort();
    expect(await conversationsOf(created)).toEqual([a.conversationId, b.conversationId].sort());
    expect(await conversationsOf(received)).toEqual([a.conversationId, a.conversationId, b.conversationId].sort());
  });

  it("a breach fires a rule that raises the priority and notes it; the run is logged", async () => {
    const t = await createTenant();
    const rule = await call("POST", "/v1/automation-rules", {
      token: t.owner.token,
      body: {
        name: "Breach → P0",
        trigger: "sla.breached",
        conditions: { all: [{ var: "sla.metric", op: "eq", value: "first_response" }, "conversation.state != 'resolved'"] },
        actions: [{ type: "set_priority", priority: "P0" }, { type: "add_note", content: "SLA {{sla.metric}} breached; raised to P0" }, { type: "add_label", label: "sla-breach" }],
      },
    });
    expectStatus(rule, 201);
    const { conversationId } = await quietConversation(t);
    await botSettled(t.id); // the bot's understanding sets a priority too; let it finish first
    // A policy arriving late applies from the conversation's start: its one-second target is long past.
    expectStatus(await call("POST", "/v1/sla-policies", { token: t.owner.token, body: { name: "Fast", first_response_s: 1, is_default: true } }), 201);
    await eventually(async () => {
      const conv = (await call("GET", `/v1/conversations/${conversationId}`, { token: t.owner.token })).body;
      expect(conv.priority).toBe("P0");
      expect(conv.sla.breached).toEqual(["first_response"]);
    }, 20_000);
    const notes = await ownerQuery("select content, author_type from internal_notes where conversation_id = $1", [conversationId]);
    expect(notes).toEqual([{ content: "SLA first_response breached; raised to P0", author_type: "automation" }]);
    const runs = await runsOf(t, rule.body.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "succeeded", event_type: "sla.breached", conversation_id: conversationId });
    expect(runs[0].actions.map((a: any) => `${a.type}:${a.status}`)).toEqual(["set_priority:done", "add_note:done", "add_label:done"]);
    // The customer's messages were never answered by the note: nothing outbound.
    expect(await ownerQuery("select id from messages where conversation_id = $1 and direction = 'outbound'", [conversationId])).toEqual([]);
  });

  it("runs rules by priority, stops after stop_processing, and holds a cooldown under concurrent events", async () => {
    const t = await createTenant();
    const mk = async (name: string, priority: number, extra: Record<string, unknown>) => {
      const r = await call("POST", "/v1/automation-rules", { token: t.owner.token, body: { name, trigger: "conversation.state_changed", priority, ...extra } });
      expectStatus(r, 201);
      return r.body.id as string;
    };
    const { conversationId } = await quietConversation(t);
    await botSettled(t.id);
    const first = await mk("First", 1, { actions: [{ type: "add_label", label: "first" }], stop_processing: true, conditions: "event.to == 'escalated'" });
    const second = await mk("Second", 2, { actions: [{ type: "add_label", label: "second" }] });
    const cooled = await mk("Cooled", 3, { actions: [{ type: "add_label", label: "cooled" }], cooldown_s: 3600, conditions: "event.to == 'awaiting_agent'" });

    // Escalated: the first rule matches and stops the second.
    expectStatus(await call("PATCH", `/v1/conversations/${conversationId}`, { token: t.owner.token, body: { state: "escalated" } }), 200);
    await eventually(async () => expect(await runsOf(t, first)).toHaveLength(1));
    const labels = async () => (await ownerQuery("select label from conversation_labels where conversation_id = $1 order by label", [conversationId])).map((r: any) => r.label);
    expect(await labels()).toEqual(["first"]);
    expect(await runsOf(t, second)).toHaveLength(0);

    // Twenty events at once for the cooled rule: exactly one runs, the rest are logged as cooldown.
    // (one connection each: transactions must not interleave on one)
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const ctx = systemCtx(t.id);
        try {
          await runAutomation(ctx, t.id, { trigger: "conversation.state_changed", eventId: `burst-${i}`, conversationId, payload: { conversation_id: conversationId, from: "escalated", to: "awaiting_agent" } });
        } finally {
          await ctx.db.close();
        }
      }),
    );
    const runs = await runsOf(t, cooled);
    expect(runs.filter((r) => r.status === "succeeded")).toHaveLength(1);
    expect(runs.filter((r) => r.status === "cooldown")).toHaveLength(19);
    // The same event delivered again changes nothing.
    const again = systemCtx(t.id);
    await runAutomation(again, t.id, { trigger: "conversation.state_changed", eventId: "burst-0", conversationId, payload: { conversation_id: conversationId, from: "escalated", to: "awaiting_agent" } });
    await again.db.close();
    expect(await runsOf(t, cooled)).toHaveLength(20);
    expect(await labels()).toEqual(["cooled", "first", "second"]);
  });
});
