import { describe, expect, it } from "vitest";
import { checkMessageQuota } from "../durable-objects/tenant-quota/client";
import { callHttpsTarget, flowRequestSignature, flowSigningSecret } from "../src/services/bot/http-port";
import { loadConfig } from "../src/env";
import { PLANS } from "../tenants/plans";
import { workerEnv } from "./billing-harness";
import { apiMessage, botSettled, createApiChannel, eventually, openLiveSocket, postSigned } from "./channel-harness";
import { call, createTenant, expectStatus, ownerQuery, type TenantHandle } from "./harness";

async function silentChannel(t: TenantHandle) {
  const ch = await createApiChannel(t, { debounce_ms: 100 });
  const flow = await call("POST", "/v1/flows", { token: t.owner.token, body: { name: "Silent", definition: { start: "done", nodes: { done: { type: "end" } } } } });
  expectStatus(flow, 201);
  expectStatus(await call("POST", `/v1/flows/${flow.body.id}/publish`, { token: t.owner.token, body: {} }), 200);
  expectStatus(await call("PATCH", `/v1/channels/${ch.id}`, { token: t.owner.token, body: { flow_id: flow.body.id } }), 200);
  return ch;
}

describe("the bot's reply and the plan's quota", () => {
  it("withholds the bot's reply once the period's messages are used up, escalates with the reason and logs it", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 100 });
    // Use up the period's messages (the decision says how many are used so far).
    const { used } = await checkMessageQuota(workerEnv, t.id, { direction: "outbound", units: 0 });
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound", units: PLANS.trial.limits.messages! - used })).toMatchObject({ allowed: true });

    expectStatus(await postSigned(ch, apiMessage({ from: { id: "quota-1" }, text: "Hola, tengo una pregunta sobre los horarios" })), 200);
    const conv = await eventually(async () => {
      const [c] = await ownerQuery("select * from conversations where channel_id = $1", [ch.id]);
      expect(c?.state).toBe("escalated");
      return c;
    });
    expect(conv.escalation_summary).toMatch(/not sent/i);
    // Nothing went out, and the reason is where agents, the owner and subscribers look.
    expect(await ownerQuery("select id from messages where conversation_id = $1 and direction = 'outbound'", [conv.id])).toEqual([]);
    const [escalation] = await ownerQuery("select reason from escalations where conversation_id = $1", [conv.id]);
    expect(escalation.reason).toMatch(/bot reply withheld/);
    const [event] = await ownerQuery("select payload from outbox_events where tenant_id = $1 and type = 'bot.reply_withheld'", [t.id]);
    expect(event.payload).toMatchObject({ conversation_id: conv.id, reason: "limit_reached", replies: expect.any(Number) });
    expect(await ownerQuery("select outcome from flow_action_logs where conversation_id = $1 and outcome = 'withheld'", [conv.id])).toHaveLength(1);
    // The customer's message itself was taken, understood, and stays.
    expect(await ownerQuery("select count(*)::int as n from messages where conversation_id = $1 and direction = 'inbound'", [conv.id])).toEqual([{ n: 1 }]);
  });
});

describe("live annotations", () => {
  it("pushes how an inbound message was understood to the inbox's socket once the bot's turn stored it", async () => {
    const t = await createTenant();
    const ch = await silentChannel(t);
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "live-1" }, text: "I cannot log into my account since this morning" })), 200);
    const conv = await eventually(async () => {
      const [c] = await ownerQuery("select id from conversations where channel_id = $1", [ch.id]);
      expect(c).toBeDefined();
      return c;
    });
    // The first turn is done before the socket opens: the second message's turn is the one to hear.
    await botSettled(t.id, 1);
    const { ws, next } = await openLiveSocket(`/v1/conversations/${conv.id}/live`, { "sec-websocket-protocol": `parley.v1, bearer.${t.owner.token}` });
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "live-1" }, text: "Someone changed my password and it wasn't me!" })), 200);
    let annotated: any;
    let inboundId: string | undefined;
    for (let i = 0; i < 8 && !annotated; i++) {
      const e = await next();
      if (e.type === "message.created" && e.message.direction === "inbound") inboundId = e.message.id;
      if (e.type === "message.annotated" && e.message_id === inboundId) annotated = e;
    }
    ws.close();
    expect(annotated).toMatchObject({ conversation_id: conv.id, message_id: inboundId, annotations: { language: "en", intent: "urgent_high_risk", priority: "P0", sentiment: { label: expect.any(String) }, source: "local" } });
    expect(annotated.annotations).not.toHaveProperty("confidence");
  });
});

describe("signed flow http requests", () => {
  const config = { ENVIRONMENT: "test" as const, JWT_SIGNING_KEYS: "test-signing-material-that-is-long-enough", FLOW_SIGNING_KEY: undefined };

  it("signs every hop with the workspace's secret over the timestamp and the raw body", async () => {
    const secret = await flowSigningSecret(config, "11111111-1111-4111-8111-111111111111");
    expect(secret).toMatch(/^pfs_[A-Za-z0-9_-]{43}$/);
    expect(await flowSigningSecret(config, "22222222-2222-4222-8222-222222222222")).not.toBe(secret);
    expect(await flowSigningSecret(config, "11111111-1111-4111-8111-111111111111")).toBe(secret);

    const seen: Array<{ url: string; headers: Headers; body: string | null }> = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, headers: new Headers(init.headers), body: (init.body as string | undefined) ?? null });
      if (seen.length === 1) return new Response(null, { status: 307, headers: { location: "https://hooks.example.com/final" } });
      return Response.json({ ok: true });
    }) as unknown as typeof fetch;
    const res = await callHttpsTarget({ url: "https://hooks.example.com/start", method: "POST", body: { order: "A-1", "ñ": "é" } }, { secret, fetch: fakeFetch, now: () => 1_700_000_000_000 });
    expect(res).toEqual({ status: 200, body: { ok: true } });
    expect(seen.map((s) => s.url)).toEqual(["https://hooks.example.com/start", "https://hooks.example.com/final"]);
    for (const s of seen) {
      expect(s.headers.get("x-parley-signature")).toBe(await flowRequestSignature(secret, 1_700_000_000, s.body ?? ""));
      // What a receiver does: recompute HMAC-SHA256 of "<t>.<raw body>" with the secret.
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(s.headers.get("x-parley-signature")!)!;
      const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
      const mac = new Uint8Array(v1!.match(/../g)!.map((h) => parseInt(h, 16)));
      expect(await crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(`${t}.${s.body}`))).toBe(true);
    }
    expect(seen[0]!.headers.get("x-parley-request-id")).toBe(seen[1]!.headers.get("x-parley-request-id"));
    // A tampered body no longer matches.
    expect(await flowRequestSignature(secret, 1_700_000_000, `${seen[0]!.body} `)).not.toBe(seen[0]!.headers.get("x-parley-signature"));
  });

  it("shows the workspace's secret once on rotation, retiring the previous one", async () => {
    const t = await createTenant();
    const env = loadConfig(workerEnv);
    const before = await flowSigningSecret(env, t.id);
    const first = await call("POST", "/v1/flows/signing-secret", { token: t.owner.token });
    expectStatus(first, 200);
    expect(first.body).toMatchObject({ generation: 1, header: "X-Parley-Signature", secret: expect.stringMatching(/^pfs_/) });
    expect(first.body.secret).toBe(await flowSigningSecret(env, t.id, 1));
    expect(first.body.secret).not.toBe(before);
    const second = await call("POST", "/v1/flows/signing-secret", { token: t.owner.token });
    expect(second.body.generation).toBe(2);
    expect(second.body.secret).not.toBe(first.body.secret);
    // The bot signs with the current generation; nothing secret is stored.
    expect((await ownerQuery("select flow_signing_generation from tenants where id = $1", [t.id]))[0]).toEqual({ flow_signing_generation: 2 });
  });

  it("signs a GET over an empty body and refuses to send unsigned in production without a key", async () => {
    const secret = await flowSigningSecret(config, "11111111-1111-4111-8111-111111111111");
    let header: string | null = null;
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      header = new Headers(init.headers).get("x-parley-signature");
      return new Response("plain text");
    }) as unknown as typeof fetch;
    expect(await callHttpsTarget({ url: "https://hooks.example.com/lookup?q=1", method: "get", body: { ignored: true } }, { secret, fetch: fakeFetch, now: () => 1_700_000_000_000 })).toEqual({ status: 200, body: "plain text" });
    expect(header).toBe(await flowRequestSignature(secret, 1_700_000_000, ""));
    await expect(flowSigningSecret({ ...config, ENVIRONMENT: "production" }, "11111111-1111-4111-8111-111111111111")).rejects.toThrow(/FLOW_SIGNING_KEY/);
    const own = await flowSigningSecret({ ...config, ENVIRONMENT: "production", FLOW_SIGNING_KEY: "k".repeat(40) }, "11111111-1111-4111-8111-111111111111");
    expect(own).not.toBe(secret);
  });
});
