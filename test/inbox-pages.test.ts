// The inbox pages over HTTP inside workerd, signed in with the web session cookie like a browser:
// isolation (another tenant's conversation is the 404 page), CSRF, and escaping of what customers write.
import { describe, expect, it } from "vitest";
import { call, createHarness, createTenant, expectStatus, ownerQuery, type TenantHandle } from "./harness";
import { WebClient } from "./web-client";
import { startWidgetSession } from "./fuzz/widget-session";
import { apiMessage, createApiChannel, eventually, expectMessageCount, postSigned, botSettled } from "./channel-harness";

const SITE = "https://shop.example.com";

async function webchatConversation(t: TenantHandle, text: string) {
  const ch = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "webchat", name: "Site <chat>", config: { allowed_origins: [SITE] }, debounce_ms: 200 } });
  expectStatus(ch, 201);
  const base = `/widget/${t.id}/${ch.body.id}`;
  const session = await startWidgetSession(base, { origin: SITE });
  expectStatus(await call("POST", `${base}/messages`, { headers: { origin: SITE, authorization: `Bearer ${session.token}` }, body: { text, client_message_id: crypto.randomUUID() } }), 202);
  await expectMessageCount(ch.body.id, 1);
  await botSettled(t.id);
  const list = await call("GET", "/v1/conversations", { token: t.owner.token });
  return list.body.data[0] as { id: string; contact_id: string };
}

/** A conversation on an API channel whose message the bot turn has annotated (as the real pipeline does). */
async function annotatedConversation(t: TenantHandle, text: string) {
  const ch = await createApiChannel(t, { debounce_ms: 200 });
  const sent = apiMessage({ from: { id: `c-${crypto.randomUUID()}`, name: "Lucía" }, text });
  expectStatus(await postSigned(ch, sent), 200);
  return eventually(async () => {
    const [stored] = await ownerQuery("select conversation_id from messages where channel_id = $1 and external_id = $2", [ch.id, sent.external_id]);
    if (!stored) throw new Error("message not stored yet");
    const msgs = await call("GET", `/v1/conversations/${stored.conversation_id}/messages`, { token: t.owner.token });
    const message = msgs.body.data.find((m: { direction: string; annotations?: unknown }) => m.direction === "inbound" && m.annotations);
    if (!message) throw new Error("not annotated yet");
    return { id: stored.conversation_id as string, message };
  });
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
    const before = await ownerQuery("select state, message_count from conversations where id = $1", [conv.id]);
    const web = await WebClient.signIn(tenant.owner);
    const page = await web.get(`/app/inbox/${conv.id}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain("Not found");
    expect(page.text).not.toContain("private");
    expect((await web.post(`/app/inbox/${conv.id}/reply`, { text: "hijack" })).status).toBe(404);
    expect((await web.post(`/app/inbox/${conv.id}/state`, { state: "resolved" })).status).toBe(404);
    expect((await web.get("/app/inbox/not-a-uuid")).status).toBe(404);
    const rows = await ownerQuery("select state, message_count from conversations where id = $1", [conv.id]);
    expect(rows).toEqual(before);
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
    // The workspace's bot answered first; the customer's message and the agent's reply are what this covers.
    expect(thread.body.data.filter((m: any) => m.sender_type !== "bot").map((m: any) => m.text)).toEqual(["Where is my order?", "It ships today."]);
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

  it("shows each conversation's priority, language and sentiment, filters by priority, and shows a thread's annotations", async () => {
    const t = await createTenant();
    const conv = await annotatedConversation(t, "quiero hablar con una persona, mi pedido 12345 no llegó");
    const a = conv.message.annotations;
    const web = await WebClient.signIn(t.owner);

    const list = await web.get("/app/inbox");
    expectStatus(list, 200);
    expect(list.text).toContain(`<span class="prio prio-${a.priority}"`);
    expect(list.text).toContain(`title="Language: ${a.language}"`);
    expect(list.text).toContain('aria-label="Conversations by priority"');
    expect(list.text).toContain('href="/app/inbox?priority=P0"');
    const other = (["P0", "P1", "P2", "P3"] as const).find((p) => p !== a.priority)!;
    const same = await web.get(`/app/inbox?priority=${a.priority}`);
    expect(same.text).toContain(`href="/app/inbox/${conv.id}"`);
    const filtered = await web.get(`/app/inbox?priority=${other}`);
    expectStatus(filtered, 200);
    expect(filtered.text).not.toContain(`href="/app/inbox/${conv.id}"`);
    expect(filtered.text).toContain(`No conversations have priority ${other}.`);

    const thread = await web.get(`/app/inbox/${conv.id}`);
    expectStatus(thread, 200);
    expect(thread.text).toContain('aria-label="How this message was understood"');
    expect(thread.text).toContain(`<dt>Urgency</dt><dd>${Math.round(a.urgency * 100)}%</dd>`);
    expect(thread.text).toContain(`action="/app/inbox/${conv.id}/annotations"`);
    expect(thread.text).toContain(`name="message_id" value="${conv.message.id}"`);
    // Asking for a person escalates: the header shows the flow version, the bot's summary and the call summary.
    const api = await eventually(async () => {
      const res = await call("GET", `/v1/conversations/${conv.id}`, { token: t.owner.token });
      expect(res.body).toMatchObject({ state: "escalated", escalation_summary: expect.any(String), call_summary: { summary: expect.any(String) } });
      return res;
    });
    const escalated = await web.get(`/app/inbox/${conv.id}`);
    expect(escalated.text).toContain(`Flow version ${api.body.flow.version}`);
    expect(escalated.text).toContain("Escalated to a person");
    expect(escalated.text).toContain('id="call-summary-title"');
    expect((await web.get("/app/inbox")).text).toContain('<tr class="escalated"');
  });

  it("corrects a message's annotations through the thread's form", async () => {
    const t = await createTenant();
    const conv = await annotatedConversation(t, "How do I export my invoices?");
    const web = await WebClient.signIn(t.owner);
    await web.get(`/app/inbox/${conv.id}`);
    const priority = conv.message.annotations.priority === "P0" ? "P3" : "P0";

    const forged = await web.post(`/app/inbox/${conv.id}/annotations`, { message_id: conv.message.id, intent: "how_to_guidance", sentiment: "angry", priority }, { csrf: false });
    expect(forged.status).toBe(403);
    const bad = await web.post(`/app/inbox/${conv.id}/annotations`, { message_id: conv.message.id, intent: "how_to_guidance", sentiment: "furious", priority });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Choose a sentiment");

    const saved = await web.post(`/app/inbox/${conv.id}/annotations`, { message_id: conv.message.id, intent: "how_to_guidance", sentiment: "angry", priority });
    expect(saved.status, saved.text).toBe(303);
    expect(saved.headers.get("location")).toBe(`/app/inbox/${conv.id}?done=annotation#msg-${conv.message.id}`);
    const [row] = await ownerQuery("select sentiment_label, priority, corrected_by, original from message_annotations where message_id = $1", [conv.message.id]);
    expect(row).toMatchObject({ sentiment_label: "angry", priority, corrected_by: t.owner.userId });
    expect(row.original).toMatchObject({ priority: conv.message.annotations.priority });
    const page = await web.get(`/app/inbox/${conv.id}?done=annotation`);
    expect(page.text).toContain("Annotation corrected.");
    expect(page.text).toContain("corrected by an agent");
    expect(page.text).toContain('class="senti senti-angry"');
  });

  it("marks in the team filter only the teams the signed-in member belongs to", async () => {
    const t = await createTenant();
    expectStatus(await call("POST", "/v1/teams", { token: t.owner.token, body: { name: "Billing" } }), 201);
    expectStatus(await call("POST", "/v1/teams", { token: t.owner.token, body: { name: "Support", member_ids: [t.owner.userId] } }), 201);
    const page = await (await WebClient.signIn(t.owner)).get("/app/inbox");
    expectStatus(page, 200);
    expect(page.text).toMatch(/>Support \(mine\)</);
    expect(page.text).toMatch(/>Billing</);
    expect(page.text).not.toContain("Billing (mine)");
  });

  it("orders the queue by priority and pages it, naming each page's customers", async () => {
    const t = await createTenant();
    const rows = await ownerQuery<{ id: string; priority: string; name: string }>(
      `with ch as (insert into channels (id, tenant_id, type, name) values (gen_random_uuid(), $1, 'api', 'seeded') returning id),
            co as (insert into contacts (id, tenant_id, name) select gen_random_uuid(), $1, 'Customer ' || g from generate_series(1, 52) g returning id, name)
       insert into conversations (id, tenant_id, channel_id, contact_id, thread_key, priority)
       select gen_random_uuid(), $1, ch.id, co.id, ch.id || ':' || co.id, case co.name when 'Customer 37' then 'P0' when 'Customer 12' then 'P1' else 'P3' end from ch, co
       returning id, priority, (select name from contacts where id = contact_id) as name`,
      [t.id],
    );
    const web = await WebClient.signIn(t.owner);
    const linked = (html: string) => [...html.matchAll(/href="\/app\/inbox\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    const first = await web.get("/app/inbox?view=all");
    expectStatus(first, 200);
    const firstIds = [...new Set(linked(first.text))];
    expect(firstIds).toHaveLength(50);
    const p0 = rows.find((r) => r.priority === "P0")!;
    const p1 = rows.find((r) => r.priority === "P1")!;
    expect(firstIds.slice(0, 2)).toEqual([p0.id, p1.id]);
    expect(first.text).toContain("Customer 37");
    expect(first.text).toContain("Less urgent");
    const second = await web.get("/app/inbox?view=all&page=2");
    expectStatus(second, 200);
    const secondIds = [...new Set(linked(second.text))];
    expect(secondIds).toHaveLength(2);
    expect(secondIds.some((id) => firstIds.includes(id))).toBe(false);
    expect(new Set([...firstIds, ...secondIds])).toEqual(new Set(rows.map((r) => r.id)));
    expect(second.text).not.toContain("Less urgent");
  });
});

