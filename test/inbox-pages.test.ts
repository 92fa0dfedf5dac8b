// The inbox pages over HTTP inside workerd, signed in with the web session cookie like a browser:
// isolation (another tenant's conversation is the 404 page), CSRF, and escaping of what customers write.
import { describe, expect, it } from "vitest";
import { call, createHarness, createTenant, expectStatus, ownerQuery, type TenantHandle } from "./harness";
import { WebClient } from "./web-client";
import { expectMessageCount } from "./channel-harness";

const SITE = "https://shop.example.com";

async function webchatConversation(t: TenantHandle, text: string) {
  const ch = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "webchat", name: "Site <chat>", config: { allowed_origins: [SITE] }, debounce_ms: 200 } });
  expectStatus(ch, 201);
  const base = `/widget/${t.id}/${ch.body.id}`;
  const session = await call("POST", `${base}/session`, { headers: { origin: SITE } });
  expectStatus(await call("POST", `${base}/messages`, { headers: { origin: SITE, authorization: `Bearer ${session.body.token}` }, body: { text, client_message_id: crypto.randomUUID() } }), 202);
  await expectMessageCount(ch.body.id, 1);
  const list = await call("GET", "/v1/conversations", { token: t.owner.token });
  return list.body.data[0] as { id: string; contact_id: string };
}

describe("inbox pages", () => {
  it("lists conversations and shows a thread, escaping everything customers and names contain", async () => {
    const t = await createTenant();
    const conv = await webchatConversation(t, `<script>alert("hi")</script> & <b>bold</b>`);
    expectStatus(await call("PATCH", `/v1/contacts/${conv.contact_id}`, { token: t.owner.token, body: { name: `<img src=x onerror=alert(1)>` } }), 200);
    const web = await WebClient.signIn(t.owner);

    const list = await web.get("/app/inbox");
    expectStatus(list, 200);
    expect(list.text).toContain(`href="/app/inbox/${conv.id}"`);
    expect(list.text).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(list.text).toContain("Site &lt;chat&gt; (Web chat)");
    expect(list.text).not.toContain("<img src=x");
    expect(list.text).toMatch(/<script src="\/assets\/inbox\.js\?v=[0-9a-f]{8}" defer/);
    expect((await web.get("/app/inbox?state=resolved")).text).toContain("No conversations are resolved");

    const thread = await web.get(`/app/inbox/${conv.id}`);
    expectStatus(thread, 200);
    expect(thread.text).toContain("&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;");
    expect(thread.text).not.toContain("<script>alert");
    expect(thread.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it("answers another tenant's conversation with the 404 page and lets no form touch it", async () => {
    const { tenant, foreign } = await createHarness();
    const conv = await webchatConversation(foreign, "private");
    const web = await WebClient.signIn(tenant.owner);
    const page = await web.get(`/app/inbox/${conv.id}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain("Not found");
    expect(page.text).not.toContain("private");
    expect((await web.post(`/app/inbox/${conv.id}/reply`, { text: "hijack" })).status).toBe(404);
    expect((await web.post(`/app/inbox/${conv.id}/state`, { state: "resolved" })).status).toBe(404);
    expect((await web.get("/app/inbox/not-a-uuid")).status).toBe(404);
    const rows = await ownerQuery("select state, message_count from conversations where id = $1", [conv.id]);
    expect(rows).toEqual([{ state: "awaiting_agent", message_count: 1 }]);
  });

  it("replies, changes state and assignee through the forms, and refuses a post without the CSRF token", async () => {
    const t = await createTenant();
    const conv = await webchatConversation(t, "Where is my order?");
    const agent = await t.createUser("agent");
    const web = await WebClient.signIn(t.owner);
    await web.get(`/app/inbox/${conv.id}`);

    const forged = await web.post(`/app/inbox/${conv.id}/reply`, { text: "from elsewhere" }, { csrf: false });
    expect(forged.status).toBe(403);
    const sent = await web.post(`/app/inbox/${conv.id}/reply`, { text: "It ships today." });
    expect(sent.status, sent.text).toBe(303);
    expect(sent.headers.get("location")).toBe(`/app/inbox/${conv.id}?done=reply#reply`);

    const empty = await web.post(`/app/inbox/${conv.id}/reply`, { text: "   " });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("Write a reply before sending");

    const resolved = await web.post(`/app/inbox/${conv.id}/state`, { state: "resolved" });
    expect(resolved.status, resolved.text).toBe(303);
    const illegal = await web.post(`/app/inbox/${conv.id}/state`, { state: "awaiting_agent" });
    expect(illegal.status).toBe(400);
    expect(illegal.text).toContain("Cannot move a conversation from resolved to awaiting_agent");

    expect((await web.post(`/app/inbox/${conv.id}/assignee`, { assignee_id: agent.userId })).status).toBe(303);
    const outsider = await web.post(`/app/inbox/${conv.id}/assignee`, { assignee_id: crypto.randomUUID() });
    expect(outsider.status).toBe(400);
    expect(outsider.text).toContain("no longer a member");

    const api = await call("GET", `/v1/conversations/${conv.id}`, { token: t.owner.token });
    expect(api.body).toMatchObject({ state: "resolved", assignee_id: agent.userId });
    const thread = await call("GET", `/v1/conversations/${conv.id}/messages`, { token: t.owner.token });
    expect(thread.body.data.map((m: any) => m.text)).toEqual(["Where is my order?", "It ships today."]);
  });

  it("shows a viewer the thread without reply or state forms", async () => {
    const t = await createTenant();
    const conv = await webchatConversation(t, "Hello?");
    const viewer = await t.createUser("viewer");
    const web = await WebClient.signIn(viewer);
    const page = await web.get(`/app/inbox/${conv.id}`);
    expectStatus(page, 200);
    expect(page.text).toContain("Hello?");
    expect(page.text).not.toContain('action="/app/inbox/');
    expect((await web.post(`/app/inbox/${conv.id}/reply`, { text: "sneaky" })).status).toBe(403);
  });

  it("serves the inbox script with a long cache and the JavaScript content type", async () => {
    const res = await call("GET", "/assets/inbox.js?v=1");
    expectStatus(res, 200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.text).toContain("/v1/conversations/");
    expect(res.text).not.toContain("innerHTML");
  });
});
