// Issue 9: each class of defect found by probing a running server, as a test that failed before its fix.
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkMessageQuota, refreshQuota } from "../durable-objects/tenant-quota/client";
import type { Env } from "../src/env";
import type { AppError } from "../src/lib/errors";
import { storableInput } from "../src/middleware/storable-input";
import type { AppEnv } from "../src/routes/hono-env";
import { PLANS } from "../tenants/plans";
import { apiMessage, botSettled, createApiChannel, eventually, postSigned } from "./channel-harness";
import { bearerProtocols, challengeOf, solveChallenge, startWidgetSession } from "./fuzz/widget-session";
import { call, createTenant, expectError, expectStatus, ownerQuery, STRONG_PASSWORD, uniqueEmail, withSql, type Res, type TenantHandle } from "./harness";

const base64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** `user` of tenant `a` joins `b` with `role`, accepting while signed in (the only way for an existing account). */
async function joinAsExisting(user: TenantHandle["owner"], b: TenantHandle, role: string) {
  const invite = await call("POST", "/v1/members", { token: b.owner.token, body: { email: user.email, role } });
  expectStatus(invite, 201);
  const joined = await call("POST", "/v1/invitations/accept", { token: user.token, body: { token: invite.body.invitation.token } });
  expectStatus(joined, 200);
  return joined.body as { access_token: string };
}

describe("invitations are no password oracle", () => {
  it("never checks an existing account's password, right or wrong, and keeps the invitation valid for its owner", async () => {
    const victim = await createTenant("Victim");
    const attacker = await createTenant("Attacker");
    const invite = await call("POST", "/v1/members", { token: attacker.owner.token, body: { email: victim.owner.email, role: "viewer" } });
    expectStatus(invite, 201);
    const token = invite.body.invitation.token;
    const answers = await Promise.all(
      ["wrong-guess-123456", victim.owner.password].map((password) => call("POST", "/v1/invitations/accept", { body: { token, password } })),
    );
    // The right password and a wrong one get the same answer: nothing to learn, no session.
    for (const res of answers) {
      expectError(res, 401, "UNAUTHORIZED");
      expect(res.body.error.message).toBe(answers[0]!.body.error.message);
      expect(res.body.access_token).toBeUndefined();
    }
  });

  it("does not disclose an existing account's name to the inviting workspace", async () => {
    const known = await createTenant("Known"); // its owner is named "Owner" at sign-up
    const other = await createTenant("Other");
    const invite = await call("POST", "/v1/members", { token: other.owner.token, body: { email: known.owner.email, role: "agent" } });
    expectStatus(invite, 201);
    expect(invite.body.name).toBeNull();
    const list = await call("GET", "/v1/members", { token: other.owner.token });
    expect(list.body.data.find((m: any) => m.email === known.owner.email)).toMatchObject({ status: "invited", name: null });
  });

  it("throttles invitation accepts per source with 429 and Retry-After", async () => {
    const ip = "198.51.100.61";
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await call("POST", "/v1/invitations/accept", { ip, body: { token: `inv_${"0".repeat(32)}_${"A".repeat(43)}`, password: STRONG_PASSWORD } });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 404 || s === 429)).toBe(true);
    const last = await call("POST", "/v1/invitations/accept", { ip, body: { token: "inv_x", password: STRONG_PASSWORD } });
    expectError(last, 429, "RATE_LIMITED");
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("throttles a source that keeps presenting wrong refresh tokens or API keys, and no one else", async () => {
    const t = await createTenant();
    const ip = "198.51.100.62";
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) statuses.push((await call("POST", "/v1/auth/refresh", { ip, body: { refresh_token: `rt_${t.id.replace(/-/g, "")}_${"B".repeat(43)}` } })).status);
    for (let i = 0; i < 15; i++) statuses.push((await call("GET", "/v1/contacts", { ip, token: `pk_${t.id.replace(/-/g, "")}_${"C".repeat(43)}` })).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    const limited = await call("POST", "/v1/auth/refresh", { ip, body: { refresh_token: t.owner.refreshToken } });
    expectError(limited, 429, "RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // The same refresh token from the owner's own network still works.
    expectStatus(await call("POST", "/v1/auth/refresh", { ip: "203.0.113.62", body: { refresh_token: t.owner.refreshToken } }), 200);
  });
});

describe("no cross-workspace membership rows", () => {
  it("lists only this workspace's members to a member of two workspaces", async () => {
    const a = await createTenant("A");
    const b = await createTenant("B");
    const inB = await joinAsExisting(a.owner, b, "admin");
    const list = await call("GET", "/v1/members", { token: inB.access_token });
    expectStatus(list, 200);
    expect(list.body.data.map((m: any) => m.role).sort()).toEqual(["admin", "owner"]);
    expect(list.body.data).toHaveLength(2);
  });

  it("counts only this workspace's owners for the last-owner rule", async () => {
    const a = await createTenant("A");
    const b = await createTenant("B");
    await joinAsExisting(a.owner, b, "owner");
    // a.owner is an owner of B too; in A they are still the only owner and cannot step down.
    const list = await call("GET", "/v1/members", { token: a.owner.token });
    const self = list.body.data.find((m: any) => m.user_id === a.owner.userId);
    expectError(await call("PATCH", `/v1/members/${self.id}`, { token: a.owner.token, body: { role: "admin" } }), 409, "CONFLICT");
  });

  it("lists every permissive policy, and none widens a workspace-scoped query", async () => {
    const policies = await ownerQuery<{ tablename: string; policyname: string; roles: string[]; qual: string | null }>(
      `select tablename, policyname, roles::text[] as roles, qual from pg_policies where schemaname = 'public' and permissive = 'PERMISSIVE' order by 1, 2`,
    );
    const owner = (await ownerQuery<{ u: string }>("select current_user as u"))[0]!.u;
    const forApp = policies.filter((p) => p.roles.includes("public") || p.roles.includes("parley_app"));
    const extra = forApp.filter((p) => p.policyname !== "tenant_isolation").map((p) => `${p.tablename}.${p.policyname}`);
    // Every permissive policy beyond tenant isolation, reviewed: users are global (one login, many
    // workspaces); the two self-read policies serve log-in, before a workspace is chosen.
    expect(extra).toEqual(["tenant_members.tenant_members_self_read", "tenants.tenants_member_read", "users.users_by_email", "users.users_self", "users.users_tenant_members"]);
    for (const p of forApp.filter((x) => ["tenant_members_self_read", "tenants_member_read"].includes(x.policyname))) {
      expect(p.qual, `${p.tablename}.${p.policyname}`).toMatch(/NULLIF\(current_setting\('app\.tenant_id'::text, true\), ''::text\) IS NULL/);
    }
    // The rest belong to the migration owner, which the Worker never is.
    for (const p of policies.filter((x) => !forApp.includes(x))) expect(p.roles, `${p.tablename}.${p.policyname}`).toEqual([owner]);

    // And in fact: a member of two workspaces, with every setting the app ever sets, sees no other
    // workspace's row in any table that has one.
    const a = await createTenant("A");
    const b = await createTenant("B");
    await joinAsExisting(a.owner, b, "agent");
    await b.createContact();
    const tables = await ownerQuery<{ table_name: string }>(
      `select distinct table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id' order by 1`,
    );
    const leaks = await withSql("app", async (client) => {
      await client.query("begin");
      try {
        await client.query("select set_config('role', 'parley_app', true), set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true), set_config('app.login_email', $3, true)", [
          a.id,
          a.owner.userId,
          a.owner.email,
        ]);
        const out: Record<string, number> = {};
        for (const { table_name } of tables) out[table_name] = (await client.query(`select count(*)::int as n from "${table_name}" where tenant_id <> $1`, [a.id])).rows[0].n;
        out.tenants = (await client.query("select count(*)::int as n from tenants where id <> $1", [a.id])).rows[0].n;
        return out;
      } finally {
        await client.query("rollback");
      }
    });
    expect(Object.entries(leaks).filter(([, n]) => n > 0)).toEqual([]);
    // The check can see B's rows at all: they exist (as the owner sees them).
    expect((await ownerQuery("select count(*)::int as n from tenant_members where tenant_id = $1", [b.id]))[0].n).toBe(2);
  });
});

describe("no 500 for input Postgres cannot store", () => {
  it.each([
    ["a NUL in a contact's name", { name: "Jane\u0000Doe" }, "name"],
    ["a lone surrogate in a contact's name", { name: "Jane \ud800" }, "name"],
    ["a NUL in a tag", { tags: ["vip\u0000"] }, "tags.0"],
    ["a NUL deep in attributes", { attributes: { a: { b: ["ok", "x\u0000"] } } }, "attributes.a.b.1"],
    ["a NUL in an attribute key", { attributes: { "k\u0000": 1 } }, "attributes.k\u0000"],
  ])("refuses %s with 400 naming the field", async (_what, body, field) => {
    const t = await createTenant();
    const res = await call("POST", "/v1/contacts", { token: t.owner.token, body });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.error.field).toBe(field);
  });

  it("refuses deeply nested or oversized attributes with 400", async () => {
    const t = await createTenant();
    let deep: unknown = "bottom";
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    expectError(await call("POST", "/v1/contacts", { token: t.owner.token, body: { attributes: { deep } } }), 400, "VALIDATION_FAILED");
    let nine: unknown = 1;
    for (let i = 0; i < 8; i++) nine = { d: nine };
    expectError(await call("POST", "/v1/contacts", { token: t.owner.token, body: { attributes: { nine } } }), 400, "VALIDATION_FAILED");
    expectError(await call("POST", "/v1/contacts", { token: t.owner.token, body: { attributes: { big: "x".repeat(17 * 1024) } } }), 400, "VALIDATION_FAILED");
    const ok = await call("POST", "/v1/contacts", { token: t.owner.token, body: { attributes: { plan: { tier: "gold", since: 2024 } } } });
    expectStatus(ok, 201);
  });

  it.each([
    ["a 36-dash id", JSON.stringify(["2026-01-01T00:00:00.000Z", "-".repeat(36)])],
    ["a year Postgres refuses", JSON.stringify(["+275760-09-13T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"])],
    ["a negative year", JSON.stringify(["-000001-01-01T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"])],
    ["wrong types", JSON.stringify([{}, 7])],
    ["an object", JSON.stringify({ at: 1 })],
  ])("refuses a forged but well-formed cursor (%s) with 400", async (_what, json) => {
    const t = await createTenant();
    await t.createContact();
    for (const path of ["/v1/contacts", "/v1/conversations", "/v1/channels"]) {
      const res = await call("GET", `${path}?cursor=${base64url(json)}`, { token: t.owner.token });
      expectError(res, 400, "VALIDATION_FAILED");
    }
  });

  it("refuses a NUL in a search query with 400", async () => {
    const t = await createTenant();
    expectError(await call("GET", `/v1/contacts?q=${encodeURIComponent("a\u0000b")}`, { token: t.owner.token }), 400, "VALIDATION_FAILED");
  });
});

describe("one check of storable input for every route (src/middleware/storable-input.ts)", () => {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => c.json({ code: (err as AppError).code, field: (err as AppError).details?.field ?? null }, 400));
  app.use("*", storableInput);
  app.post("/echo", async (c) => c.json(await c.req.json()));
  app.get("/echo", (c) => c.json(c.req.queries()));
  const post = (raw: string) => app.request("/echo", { method: "POST", headers: { "content-type": "application/json" }, body: raw });

  it("refuses NUL, lone surrogates (keys too) and absurd nesting anywhere in a JSON body, naming the field", async () => {
    for (const [raw, field] of [
      ['{"channel":{"name":"a\\u0000b"}}', "channel.name"],
      ['{"items":[1,{"note":"\\ud800"}]}', "items.1.note"],
      ['{"k\\u0000":1}', "k\u0000"],
    ] as const) {
      const res = await post(raw);
      expect(res.status, raw).toBe(400);
      expect(await res.json()).toEqual({ code: "VALIDATION_FAILED", field });
    }
    expect((await post(`${'{"a":'.repeat(100)}1${"}".repeat(100)}`)).status).toBe(400);
  });

  it("refuses the same in query strings, and lets storable input through unchanged", async () => {
    expect(await (await app.request("/echo?q=a%00b")).json()).toEqual({ code: "VALIDATION_FAILED", field: "q" });
    const body = { name: "Zoë 💬", nested: { list: [1, "two", null] } };
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(body);
    expect((await app.request("/echo?q=ok")).status).toBe(200);
  });
});

describe("smaller holes", () => {
  it("refuses a Telegram secret_token shorter than 16 characters", async () => {
    const t = await createTenant();
    const bot_token = `123456789:${"A".repeat(35)}`;
    const short = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "telegram", name: "Bot", credentials: { bot_token, secret_token: "a" } } });
    expectError(short, 400, "VALIDATION_FAILED");
    expect(short.body.error.field).toBe("credentials.secret_token");
    expectStatus(await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "telegram", name: "Bot", credentials: { bot_token, secret_token: "sixteen_chars-ok" } } }), 201);
  });

  it("lets only an owner grant billing_admin; an admin cannot grant it, even to themselves", async () => {
    const t = await createTenant();
    const admin = await t.createUser("admin");
    expectError(await call("PATCH", `/v1/members/${admin.memberId}`, { token: admin.token, body: { role: "billing_admin" } }), 403, "FORBIDDEN");
    expectError(await call("POST", "/v1/members", { token: admin.token, body: { email: uniqueEmail(), role: "billing_admin" } }), 403, "FORBIDDEN");
    expectStatus(await call("POST", "/v1/members", { token: t.owner.token, body: { email: uniqueEmail(), role: "billing_admin" } }), 201);
    const [row] = await ownerQuery("select role from tenant_members where id = $1", [admin.memberId]);
    expect(row.role).toBe("admin");
  });

  it("stops API keys made by a member who is later removed", async () => {
    const t = await createTenant();
    const admin = await t.createUser("admin");
    const made = await call("POST", "/v1/api-keys", { token: admin.token, body: { name: "admin's key", scopes: ["contacts:read"] } });
    expectStatus(made, 201);
    expectStatus(await call("GET", "/v1/contacts", { token: made.body.key }), 200);
    expectStatus(await call("DELETE", `/v1/members/${admin.memberId}`, { token: t.owner.token }), 204);
    expectError(await call("GET", "/v1/contacts", { token: made.body.key }), 401, "UNAUTHORIZED");
    const [key] = await ownerQuery("select revoked_at from api_keys where id = $1", [made.body.id]);
    expect(key.revoked_at).not.toBeNull();
  });

  it("stops an API key whose maker is no longer a member, even if it was never revoked", async () => {
    const t = await createTenant();
    const admin = await t.createUser("admin");
    const made = await call("POST", "/v1/api-keys", { token: admin.token, body: { name: "k", scopes: ["contacts:read"] } });
    expectStatus(made, 201);
    // A removal from before keys were revoked with their maker: the membership is gone, the key is not.
    await ownerQuery("delete from tenant_members where id = $1", [admin.memberId]);
    expectError(await call("GET", "/v1/contacts", { token: made.body.key }), 401, "UNAUTHORIZED");
  });
});

const workerEnv = env as unknown as Env;
const OWN = "https://parley.test";
const SITE = "https://shop.example.com";

function upgrade(path: string, headers: Record<string, string>) {
  return (exports as unknown as { default: Fetcher }).default.fetch(new Request(`https://parley.test${path}`, { headers: { upgrade: "websocket", ...headers } }));
}

/** A refused upgrade, read like any API answer. */
async function refusedUpgrade(path: string, headers: Record<string, string>): Promise<Res> {
  const res = await upgrade(path, headers);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** A conversation made the real way (a signed message on an API channel), and its id. */
async function conversationOf(t: TenantHandle): Promise<string> {
  const ch = await createApiChannel(t);
  expectStatus(await postSigned(ch, apiMessage()), 200);
  return eventually(async () => {
    const res = await call("GET", "/v1/conversations", { token: t.owner.token });
    if (res.body.data.length !== 1) throw new Error("conversation not stored yet");
    return res.body.data[0].id as string;
  });
}

/** An accepted socket and a promise of its close event (code), failing the test if it never closes. */
async function openAgentSocket(conversationId: string, token: string) {
  const res = await upgrade(`/v1/conversations/${conversationId}/live`, { origin: OWN, "sec-websocket-protocol": bearerProtocols(token) });
  expect(res.status, await (res.status === 101 ? Promise.resolve("") : res.text())).toBe(101);
  expect(res.headers.get("sec-websocket-protocol")).toBe("parley.v1");
  const ws = res.webSocket!;
  ws.accept();
  const closed = new Promise<number>((resolve, reject) => {
    ws.addEventListener("close", (e) => resolve(e.code));
    setTimeout(() => reject(new Error("the socket stayed open")), 10_000);
  });
  // A test that does not wait for the close (it checks something else) must not leave a rejection behind.
  closed.catch(() => {});
  return { ws, closed };
}

describe("live sockets end with access", () => {
  it("refuses tokens in the URL, foreign origins, and a plain (non-__Host-) cookie", async () => {
    const t = await createTenant();
    const conv = await conversationOf(t);
    expectError(await refusedUpgrade(`/v1/conversations/${conv}/live?access_token=${t.owner.token}`, { origin: OWN }), 400, "BAD_REQUEST");
    expectError(await refusedUpgrade(`/v1/conversations/${conv}/live`, { origin: "https://evil.example.net", "sec-websocket-protocol": bearerProtocols(t.owner.token) }), 403, "FORBIDDEN");
    const web = await call("POST", "/v1/auth/login", { body: { email: t.owner.email, password: STRONG_PASSWORD } });
    // A plain-named cookie is what a sibling subdomain could plant; on https only __Host- counts.
    expectError(await refusedUpgrade(`/v1/conversations/${conv}/live`, { origin: OWN, cookie: `parley_session=${web.body.refresh_token}` }), 401, "UNAUTHORIZED");
    // The widget's visitor token does not go in the URL either.
    const chat = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "webchat", name: "Site chat", config: { allowed_origins: [SITE] } } });
    const base = `/widget/${t.id}/${chat.body.id}`;
    const visitor = await startWidgetSession(base, { origin: SITE });
    expectError(await refusedUpgrade(`${base}/live?token=${encodeURIComponent(visitor.token)}`, { origin: SITE }), 400, "BAD_REQUEST");
    const ok = await upgrade(`${base}/live`, { origin: SITE, "sec-websocket-protocol": `parley.v1, visitor.${visitor.token}` });
    expect(ok.status).toBe(101);
    expect(ok.headers.get("sec-websocket-protocol")).toBe("parley.v1");
    ok.webSocket!.accept();
    ok.webSocket!.close();
  });

  it.each([
    ["logout", async (t: TenantHandle, s: { token: string }) => expectStatus(await call("POST", "/v1/auth/logout", { token: s.token }), 204)],
    ["member removal", async (t: TenantHandle, s: { memberId?: string }) => expectStatus(await call("DELETE", `/v1/members/${s.memberId}`, { token: t.owner.token }), 204)],
    ["role change", async (t: TenantHandle, s: { memberId?: string }) => expectStatus(await call("PATCH", `/v1/members/${s.memberId}`, { token: t.owner.token, body: { role: "viewer" } }), 200)],
  ])("closes an agent's socket on %s", async (_what, end) => {
    const t = await createTenant();
    const conv = await conversationOf(t);
    const agent = await t.createUser("agent");
    const mine = await openAgentSocket(conv, agent.token);
    const owners = await openAgentSocket(conv, t.owner.token);
    await end(t, agent);
    expect(await mine.closed).toBe(4001);
    // Only that person's socket: the owner's keeps streaming.
    const heard = new Promise<any>((resolve) => owners.ws.addEventListener("message", (e) => resolve(JSON.parse(e.data as string))));
    expectStatus(await call("POST", `/v1/conversations/${conv}/messages`, { token: t.owner.token, body: { content: "still here" } }), 202);
    expect(await heard).toMatchObject({ conversation_id: conv });
    owners.ws.close();
  });

  it("sends nothing to a socket whose credential has expired, and closes it", async () => {
    const t = await createTenant();
    const conv = await conversationOf(t);
    // Let the workspace's bot finish its greeting first: only what comes after expiry is under test.
    await botSettled(t.id);
    const [{ thread_key }] = await ownerQuery("select thread_key from conversations where id = $1", [conv]);
    const { liveUpgrade } = await import("../durable-objects/conversation-thread/live-sockets");
    const { threadStub } = await import("../durable-objects/conversation-thread/client");
    // As the route would forward it, but with a lifetime that ends almost at once.
    const res = await threadStub(workerEnv, t.id, thread_key).fetch(
      liveUpgrade("https://parley.test/live", { audience: "agent", conversation: conv, session: t.owner.sessionId, user: t.owner.userId, expires: String(Date.now() + 300) }),
    );
    const ws = res.webSocket!;
    ws.accept();
    const got: string[] = [];
    ws.addEventListener("message", (e) => got.push(e.data as string));
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
    await new Promise((r) => setTimeout(r, 400));
    expectStatus(await call("POST", `/v1/conversations/${conv}/messages`, { token: t.owner.token, body: { content: "not for you" } }), 202);
    expect(await closed).toBe(4002);
    expect(got).toEqual([]);
  });
});

describe("anonymous web chat cannot spend the workspace's money or block its agents", () => {
  async function webchat(t: TenantHandle) {
    const res = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "webchat", name: "Site chat", config: { allowed_origins: [SITE] } } });
    expectStatus(res, 201);
    return { id: res.body.id as string, base: `/widget/${t.id}/${res.body.id}` };
  }

  it("makes a new visitor solve a one-time proof-of-work challenge before it gets a session", async () => {
    const t = await createTenant();
    const ch = await webchat(t);
    const first = await call("POST", `${ch.base}/session`, { headers: { origin: SITE } });
    expectError(first, 401, "UNAUTHORIZED");
    expect(first.headers.get("access-control-expose-headers")).toContain("WWW-Authenticate");
    const { challenge, difficulty } = challengeOf(first);
    expect(difficulty).toBeGreaterThanOrEqual(12);
    expectError(await call("POST", `${ch.base}/session`, { headers: { origin: SITE }, body: { challenge, nonce: "not-the-answer" } }), 401);
    const nonce = solveChallenge(challenge, difficulty);
    const ok = await call("POST", `${ch.base}/session`, { headers: { origin: SITE }, body: { challenge, nonce } });
    expectStatus(ok, 201);
    // One solution, one visitor: a replay is asked to work again.
    expectError(await call("POST", `${ch.base}/session`, { headers: { origin: SITE }, body: { challenge, nonce } }), 401);
    // A challenge is bound to its channel.
    const other = await webchat(t);
    expectError(await call("POST", `${other.base}/session`, { headers: { origin: SITE }, body: { challenge, nonce } }), 401);
    // A returning visitor renews with its token and solves nothing.
    const renewed = await call("POST", `${ch.base}/session`, { headers: { origin: SITE, authorization: `Bearer ${ok.body.token}` } });
    expectStatus(renewed, 201);
    expect(renewed.body.visitor_id).toBe(ok.body.visitor_id);
  });

  it("caps a channel's inbound web chat messages across all visitors and IPs", async () => {
    const t = await createTenant();
    const ch = await webchat(t);
    const { MESSAGES_PER_CHANNEL } = await import("../src/routes/widget/messages");
    const visitor = await startWidgetSession(ch.base, { origin: SITE });
    // Other visitors have used up this minute's cap (as a flood from many IPs would).
    const bucket = workerEnv.RATE_LIMITER.get(workerEnv.RATE_LIMITER.idFromName(`widget:msg-channel:${ch.id}`));
    for (let i = 0; i < MESSAGES_PER_CHANNEL.limit; i++) await bucket.hit(MESSAGES_PER_CHANNEL.limit, MESSAGES_PER_CHANNEL.windowSeconds);
    const res = await call("POST", `${ch.base}/messages`, { headers: { origin: SITE, authorization: `Bearer ${visitor.token}` }, body: { text: "hello", client_message_id: "fresh-visitor-1" } });
    expectError(res, 429, "RATE_LIMITED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("never refuses an agent's reply because customers wrote in, however many messages they sent", async () => {
    const t = await createTenant();
    const conv = await conversationOf(t);
    // Strangers have sent the plan's whole period of messages: as counted by the edge...
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "inbound", units: PLANS.trial.limits.messages! + 50 })).toMatchObject({ allowed: true });
    // ...and as counted in Postgres (what the quota object reloads from).
    const quota = workerEnv.TENANT_QUOTA.get(workerEnv.TENANT_QUOTA.idFromName(t.id));
    const { periodStart } = await quota.refresh(t.id);
    await ownerQuery(
      `insert into usage_counters (tenant_id, meter, period_start, quantity) values ($1, 'messages', $2, $3)
       on conflict (tenant_id, meter, period_start) do update set quantity = excluded.quantity`,
      [t.id, periodStart, PLANS.trial.limits.messages! * 2],
    );
    await refreshQuota(workerEnv, t.id);
    expectStatus(await call("POST", `/v1/conversations/${conv}/messages`, { token: t.owner.token, body: { content: "We are here to help" } }), 202);
    // The limit is on what the workspace sends.
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound", units: PLANS.trial.limits.messages! })).toMatchObject({ allowed: false, reason: "limit_reached" });
  });
});

