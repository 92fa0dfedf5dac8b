import { describe, expect, it } from "vitest";
import { createTenant, expectStatus, ownerQuery } from "./harness";
import { WebClient as Browser } from "./web-client";

describe("web: channels page", () => {
  it("lets an owner connect an api channel and shows its signing secret once, with the webhook URL", async () => {
    const t = await createTenant();
    const b = await Browser.signIn(t.owner);
    const workspace = await b.get("/app");
    expect(workspace.text).toContain('href="/app/channels"');
    const page = await b.get("/app/channels?type=api");
    expectStatus(page, 200);
    expect(page.text).toContain("New API channel");
    expect(page.text).not.toContain("<script");

    const created = await b.post("/app/channels", { type: "api", name: "Website API", debounce_seconds: "5" });
    expect(created.status, created.text).toBe(303);
    expect(created.headers.get("location")).toBe("/app/channels#channels");
    const [row] = await ownerQuery("select id, debounce_ms, credentials_ciphertext from channels where tenant_id = $1", [t.id]);
    expect(row.debounce_ms).toBe(5000);

    const shown = await b.get("/app/channels");
    const secret = /id="signing-secret" class="invite-link">([A-Za-z0-9_-]{43})</.exec(shown.text)?.[1];
    expect(secret, shown.text).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(shown.text).toContain(`https://parley.test/hooks/api/${t.id}/${row.id}`);
    const again = await b.get("/app/channels");
    expect(again.text).not.toContain(secret!);
  });

  it("shows inline errors for bad credentials, never echoes a secret back, and stores nothing", async () => {
    const t = await createTenant();
    const b = await Browser.signIn(t.owner);
    await b.get("/app/channels?type=telegram");
    const botToken = "123456789:AAbad_token_value_xyz";
    const res = await b.post("/app/channels", { type: "telegram", name: "Bot", bot_token: botToken, secret_token: "has spaces!" });
    expect(res.status, res.text).toBe(400);
    expect(res.text).toMatch(/id="channel-secret-token"[^>]*aria-invalid="true"/);
    expect(res.text).toContain("16–256 characters");
    expect(res.text).not.toContain(botToken);
    const missing = await b.post("/app/channels", { type: "twilio_sms", name: "SMS" });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("Enter the twilio phone number");
    expect(await ownerQuery("select id from channels where tenant_id = $1", [t.id])).toEqual([]);
  });

  it("is read-only for agents and forbidden for billing admins", async () => {
    const t = await createTenant();
    const agent = await Browser.signIn(await t.createUser("agent"));
    const view = await agent.get("/app/channels");
    expectStatus(view, 200);
    expect(view.text).toContain("can view channels; owners and admins connect them");
    expect(view.text).not.toContain('action="/app/channels"');
    // The agent's navigation marks this page and offers no billing.
    expect(view.text).toContain('<a href="/app/channels" aria-current="page">Channels</a>');
    expect(view.text).not.toContain('href="/app/billing"');
    const post = await agent.post("/app/channels", { type: "webchat", name: "Chat", allowed_origins: "https://a.example.com" });
    expect(post.status, post.text).toBe(403);
    const billing = await Browser.signIn(await t.createUser("billing_admin"));
    expect((await billing.get("/app/channels")).status).toBe(403);
    expect(await ownerQuery("select id from channels where tenant_id = $1", [t.id])).toEqual([]);
  });
});
