import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mintVisitorToken, newVisitorId, VISITOR_TOKEN_TTL_S } from "../src/services/webchat/visitor-token";
import { eventually, expectMessageCount, messagesOf, openLiveSocket } from "./channel-harness";
import { bearerProtocols, startWidgetSession, visitorProtocols } from "./fuzz/widget-session";
import { call, createHarness, createTenant, expectError, expectStatus, ownerQuery, type TenantHandle } from "./harness";

const SITE = "https://shop.example.com";
const EVIL = "https://evil.example.net";

interface Webchat {
  t: TenantHandle;
  id: string;
  base: string;
}

async function createWebchat(t: TenantHandle, allowed_origins = [SITE]): Promise<Webchat> {
  const res = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "webchat", name: "Site chat", config: { allowed_origins }, debounce_ms: 300 } });
  expectStatus(res, 201);
  return { t, id: res.body.id, base: `/widget/${t.id}/${res.body.id}` };
}

function startSession(ch: Webchat, opts: { origin?: string; token?: string } = {}) {
  return startWidgetSession(ch.base, { origin: opts.origin ?? SITE, token: opts.token });
}

function send(ch: Webchat, token: string | undefined, text = "Hello from the website", clientId: string = crypto.randomUUID(), origin: string | null = SITE) {
  return call("POST", `${ch.base}/messages`, {
    body: { text, client_message_id: clientId },
    headers: { ...(origin !== null && { origin }), ...(token !== undefined && { authorization: `Bearer ${token}` }) },
  });
}

/** Mints with the same key the Worker derives (no WIDGET_SIGNING_KEY in tests: HKDF over the JWT keys). */
const keyConfig = () => ({ WIDGET_SIGNING_KEY: undefined, JWT_SIGNING_KEYS: env.JWT_SIGNING_KEYS, ENVIRONMENT: "test" as const });

async function upgrade(path: string, origin = SITE, token?: string) {
  const headers: Record<string, string> = { upgrade: "websocket", origin, ...(token !== undefined && { "sec-websocket-protocol": visitorProtocols(token) }) };
  return (exports as unknown as { default: Fetcher }).default.fetch(new Request(`https://parley.test${path}`, { headers }));
}

function openSocket(path: string, origin = SITE, protocols?: string) {
  return openLiveSocket(path, { origin, ...(protocols && { "sec-websocket-protocol": protocols }) });
}

const eventsOf = (channelId: string) => ownerQuery("select verdict, headers, body from channel_events where channel_id = $1", [channelId]);

async function conversationOf(ch: Webchat) {
  return eventually(async () => {
    const list = await call("GET", "/v1/conversations", { token: ch.t.owner.token });
    const conv = list.body.data.find((x: any) => x.channel_id === ch.id);
    expect(conv, list.text).toBeDefined();
    return conv;
  });
}

describe("web chat widget", () => {
  it("takes a visitor's message from a new session into the agent's thread", async () => {
    const ch = await createWebchat(await createTenant());
    const session = await startSession(ch);
    expect(session.visitor_id).toMatch(/^wv_/);
    expect(Date.parse(session.expires_at) - Date.now()).toBeGreaterThan((VISITOR_TOKEN_TTL_S - 60) * 1000);

    const res = await send(ch, session.token, "Do you ship to Norway?");
    expectStatus(res, 202);
    expect(res.body).toMatchObject({ ok: true, duplicate: false });
    expect(res.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");

    await expectMessageCount(ch.id, 1);
    const conv = await conversationOf(ch);
    expect(conv.state).toBe("awaiting_agent");
    const thread = await call("GET", `/v1/conversations/${conv.id}/messages`, { token: ch.t.owner.token });
    expect(thread.body.data, thread.text).toHaveLength(1);
    expect(thread.body.data[0]).toMatchObject({ direction: "inbound", sender_type: "customer", text: "Do you ship to Norway?", content: { type: "text", text: "Do you ship to Norway?" } });

    // Logged like any channel's delivery, without the visitor's token.
    const events = await eventsOf(ch.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ verdict: "accepted", headers: { origin: SITE, authorization: "[present]" } });
    expect(JSON.stringify(events)).not.toContain(session.token);
  });

  it("answers preflights for allowed origins only", async () => {
    const ch = await createWebchat(await createTenant());
    const ok = await call("OPTIONS", `${ch.base}/messages`, { headers: { origin: SITE, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" } });
    expect(ok.status, ok.text).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(ok.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(ok.headers.get("access-control-allow-methods")).toContain("POST");
    const denied = await call("OPTIONS", `${ch.base}/messages`, { headers: { origin: EVIL, "access-control-request-method": "POST" } });
    expect(denied.status).toBe(403);
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("rejects missing, malformed, forged, expired and other channels' tokens with 401 and stores nothing", async () => {
    const t = await createTenant();
    const ch = await createWebchat(t);
    const other = await createWebchat(t);
    const good = await startSession(ch);
    const [, visitorPart, , mac] = good.token.split(".");
    const expired = await mintVisitorToken(keyConfig(), { tenantId: t.id, channelId: ch.id }, newVisitorId(), Date.now() - (VISITOR_TOKEN_TTL_S + 60) * 1000);
    const otherChannel = await mintVisitorToken(keyConfig(), { tenantId: t.id, channelId: other.id }, good.visitor_id);
    const laterExpiry = Math.floor(Date.now() / 1000) + 10 * 24 * 3600;
    const bad: Array<[string, string | undefined]> = [
      ["no token", undefined],
      ["garbage", "not-a-token"],
      ["forged MAC", `v1.${visitorPart}.${laterExpiry}.${"A".repeat(43)}`],
      ["extended expiry", `v1.${visitorPart}.${laterExpiry}.${mac}`],
      ["someone else's visitor id", `v1.${newVisitorId()}.${good.token.split(".")[2]}.${mac}`],
      ["expired", expired.token],
      ["another channel's", otherChannel.token],
    ];
    for (const [label, token] of bad) {
      const res = await send(ch, token, `attempt: ${label}`);
      expect(res.status, `${label}: ${res.text}`).toBe(401);
      expectError(res, 401, "UNAUTHORIZED");
      expect(res.headers.get("access-control-allow-origin"), "the widget can read the error").toBe(SITE);
      expectError(await call("GET", `${ch.base}/history`, { headers: { origin: SITE, ...(token && { authorization: `Bearer ${token}` }) } }), 401);
      expect((await upgrade(`${ch.base}/live`, SITE, token ?? "")).status, label).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(await messagesOf(ch.id)).toEqual([]);
    expect(await eventsOf(ch.id)).toEqual([]);
  });

  it("refuses a disallowed or missing Origin with 403 and stores nothing", async () => {
    const ch = await createWebchat(await createTenant());
    const { token } = await startSession(ch);
    expectError(await send(ch, token, "from evil", undefined, EVIL), 403, "FORBIDDEN");
    expectError(await send(ch, token, "no origin", undefined, null), 403, "FORBIDDEN");
    expectError(await call("POST", `${ch.base}/session`, { headers: { origin: EVIL } }), 403);
    expect((await upgrade(`${ch.base}/live`, EVIL, token)).status).toBe(403);
    await new Promise((r) => setTimeout(r, 500));
    expect(await messagesOf(ch.id)).toEqual([]);
    expect(await eventsOf(ch.id)).toEqual([]);
  });

  it("returns 404 for another tenant's path, unknown ids, other channel types and disabled channels", async () => {
    const { tenant, foreign } = await createHarness();
    const ch = await createWebchat(tenant);
    const foreignCh = await createWebchat(foreign);
    const email = await call("POST", "/v1/channels", { token: tenant.owner.token, body: { type: "email", name: "Mail", config: { address: `mail-${crypto.randomUUID().slice(0, 8)}@example.com` } } });
    expectStatus(email, 201);
    const paths = [
      `/widget/${foreign.id}/${ch.id}`, // our channel under the foreign tenant
      `/widget/${tenant.id}/${foreignCh.id}`, // the foreign channel under our tenant
      `/widget/${tenant.id}/${crypto.randomUUID()}`,
      `/widget/${tenant.id}/${email.body.id}`,
      `/widget/not-a-uuid/${ch.id}`,
    ];
    for (const base of paths) {
      expectError(await call("POST", `${base}/session`, { headers: { origin: SITE } }), 404, "NOT_FOUND");
      expectError(await call("POST", `${base}/messages`, { headers: { origin: SITE }, body: { text: "hi", client_message_id: crypto.randomUUID() } }), 404);
    }
    const { token } = await startSession(ch);
    expectStatus(await call("PATCH", `/v1/channels/${ch.id}`, { token: tenant.owner.token, body: { status: "disabled" } }), 200);
    expectError(await send(ch, token, "still there?"), 404);
    expectError(await call("POST", `${ch.base}/session`, { headers: { origin: SITE } }), 404);
    expect(await messagesOf(ch.id)).toEqual([]);
  });

  it("pushes the agent's reply to the visitor's socket, without internal fields", async () => {
    const ch = await createWebchat(await createTenant());
    const { token } = await startSession(ch);
    expectStatus(await send(ch, token, "Is anyone there?"), 202);
    const conv = await conversationOf(ch);
    const { ws, next } = await openSocket(`${ch.base}/live`, SITE, visitorProtocols(token));
    const agent = await ch.t.createUser("agent");
    expectStatus(await call("POST", `/v1/conversations/${conv.id}/messages`, { token: agent.token, body: { content: "Hi! How can I help?" } }), 202);
    // The workspace's bot may greet first; the agent's reply is the one with the agent's words.
    let event = await next();
    for (let i = 0; i < 5 && event.message?.content?.text !== "Hi! How can I help?"; i++) event = await next();
    expect(event).toMatchObject({ type: "message.created", message: { direction: "outbound", content: { type: "text", text: "Hi! How can I help?" } } });
    expect(Object.keys(event.message).sort()).toEqual(["content", "created_at", "direction", "id", "status"]);
    ws.close();
  });

  it("stores a message sent twice with the same client_message_id once, per visitor", async () => {
    const ch = await createWebchat(await createTenant());
    const a = await startSession(ch);
    const b = await startSession(ch);
    const clientId = crypto.randomUUID();
    expect((await send(ch, a.token, "Only once", clientId)).body).toMatchObject({ duplicate: false });
    await expectMessageCount(ch.id, 1);
    const again = await send(ch, a.token, "Only once", clientId);
    expectStatus(again, 202);
    expect(again.body).toMatchObject({ duplicate: true });
    // The same id from another visitor is that visitor's own message, not a duplicate.
    expect((await send(ch, b.token, "Mine too", clientId)).body).toMatchObject({ duplicate: false });
    await expectMessageCount(ch.id, 2);
    await new Promise((r) => setTimeout(r, 500));
    expect((await messagesOf(ch.id)).map((m) => m.text).sort()).toEqual(["Mine too", "Only once"]);
  });

  it("shows each visitor only their own thread in history", async () => {
    const ch = await createWebchat(await createTenant());
    const a = await startSession(ch);
    const b = await startSession(ch);
    const clientId = crypto.randomUUID();
    await send(ch, a.token, "I am A", clientId);
    await send(ch, b.token, "I am B");
    await expectMessageCount(ch.id, 2);
    // The bot answers both threads: wait until it has, so the history below is not read mid-answer.
    const [inboundA] = (await messagesOf(ch.id)).filter((m: { text: string }) => m.text === "I am A");
    const replies = (conversationId: string) => ownerQuery("select id from messages where conversation_id = $1 and sender_type = 'bot'", [conversationId]);
    const [inboundB] = (await messagesOf(ch.id)).filter((m: { text: string }) => m.text === "I am B");
    const botToA = await eventually(async () => {
      const [toA, toB] = [await replies(inboundA.conversation_id), await replies(inboundB.conversation_id)];
      expect(toA.length).toBeGreaterThan(0);
      expect(toB.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 500)); // a turn may send more than one reply
      expect((await replies(inboundA.conversation_id)).length).toBe(toA.length);
      return toA;
    });
    const history = await call("GET", `${ch.base}/history`, { headers: { origin: SITE, authorization: `Bearer ${a.token}` } });
    expectStatus(history, 200);
    // A's own message and the bot's answers to A: nothing of B's thread.
    expect(history.body.data.map((m: { id: string }) => m.id).sort()).toEqual([inboundA.id, ...botToA.map((r: { id: string }) => r.id)].sort());
    expect(history.body.data.filter((m: { direction: string }) => m.direction === "inbound")).toHaveLength(1);
    expect(history.body.data[0]).toMatchObject({ direction: "inbound", content: { text: "I am A" }, client_message_id: clientId });
    expect(Object.keys(history.body.data[0]).sort()).toEqual(["client_message_id", "content", "created_at", "direction", "id", "status"]);
    expect(history.text).not.toContain("I am B");
  });

  it("keeps the visitor id when a recently expired token is renewed, and not for a forged one", async () => {
    const ch = await createWebchat(await createTenant());
    const visitorId = newVisitorId();
    const old = await mintVisitorToken(keyConfig(), { tenantId: ch.t.id, channelId: ch.id }, visitorId, Date.now() - 3 * 24 * 3600 * 1000);
    const renewed = await startSession(ch, { token: old.token });
    expect(renewed.visitor_id).toBe(visitorId);
    expectStatus(await send(ch, renewed.token, "back again"), 202);
    const forged = await startSession(ch, { token: `v1.${visitorId}.${old.expiresAt}.${"B".repeat(43)}` });
    expect(forged.visitor_id).not.toBe(visitorId);
  });

  it("rate limits a visitor's messages with a readable 429 and Retry-After", async () => {
    const ch = await createWebchat(await createTenant());
    const { token } = await startSession(ch);
    const results = [];
    for (let i = 0; i < 31; i++) results.push(await send(ch, token, `message ${i}`));
    expect(results.slice(0, 30).every((r) => r.status === 202), results.map((r) => r.status).join(",")).toBe(true);
    const limited = results[30]!;
    expectError(limited, 429, "RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("access-control-allow-origin")).toBe(SITE);
    await expectMessageCount(ch.id, 30);
  });

  it("accepts any origin when the channel's list is empty", async () => {
    const t = await createTenant();
    const ch = await createWebchat(t);
    // The API requires at least one origin; an empty list can still exist in stored config.
    await ownerQuery("update channels set config = $1 where id = $2", [JSON.stringify({ allowed_origins: [] }), ch.id]);
    const { token } = await startSession(ch, { origin: EVIL });
    expectStatus(await send(ch, token, "from anywhere", undefined, EVIL), 202);
    await expectMessageCount(ch.id, 1);
  });

  it("serves /widget.js as JavaScript other sites may load, with a revalidating cache", async () => {
    const res = await call("GET", "/widget.js");
    expectStatus(res, 200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("cache-control")).toContain("max-age=");
    expect(res.text).toContain("attachShadow");
    expect(res.text).not.toContain("innerHTML");
    const etag = res.headers.get("etag")!;
    const again = await call("GET", "/widget.js", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  });
});

describe("agent live socket on a web chat conversation", () => {
  it("hears the visitor's next message", async () => {
    const ch = await createWebchat(await createTenant());
    const { token } = await startSession(ch);
    expectStatus(await send(ch, token, "first"), 202);
    const conv = await conversationOf(ch);
    const { ws, next } = await openSocket(`/v1/conversations/${conv.id}/live`, "https://parley.test", bearerProtocols(ch.t.owner.token));
    expectStatus(await send(ch, token, "second"), 202);
    expect(await next()).toMatchObject({ type: "message.created", conversation_id: conv.id, message: { text: "second" } });
    ws.close();
  });
});
