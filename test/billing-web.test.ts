import { describe, expect, it } from "vitest";
import { insertMessageEvents, runQueue } from "./billing-harness";
import { createTenant, expectStatus } from "./harness";
import { WebClient as Browser } from "./web-client";

describe("web: billing page", () => {
  it("shows the owner plan, usage that grows as messages arrive, plans and invoices, with no script", async () => {
    const t = await createTenant();
    const b = await Browser.signIn(t.owner);
    const workspace = await b.get("/app");
    expect(workspace.text).toContain('href="/app/billing"');

    let page = await b.get("/app/billing");
    expectStatus(page, 200);
    expect(page.text).toContain("Free trial");
    expect(page.text).toMatch(/data-meter="messages">0 of 1,000</);
    expect(page.text).toContain('action="/app/billing/checkout"');
    expect(page.text).toContain('action="/app/billing/portal"');
    expect(page.text).toContain("No invoices yet.");
    expect(page.text).toContain('<a href="/app/billing" aria-current="page">Billing</a>');
    expect(page.text).not.toContain("<script");

    await runQueue("parley-outbox", await insertMessageEvents(t.id, 3));
    page = await b.get("/app/billing");
    expect(page.text).toMatch(/data-meter="messages">3 of 1,000</);
  });

  it("sends the owner to Stripe Checkout and the customer portal with 303s the CSP allows", async () => {
    const t = await createTenant();
    const b = await Browser.signIn(t.owner);
    const page = await b.get("/app/billing");
    expect(page.headers.get("content-security-policy")).toMatch(/form-action 'self' https:\/\/checkout\.stripe\.com https:\/\/billing\.stripe\.com http:\/\/127\.0\.0\.1:\d+/);

    const checkout = await b.post("/app/billing/checkout", { plan: "starter" });
    expect(checkout.status, checkout.text).toBe(303);
    expect(checkout.headers.get("location")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/checkout\/cs_test_/);
    const portal = await b.post("/app/billing/portal", {});
    expect(portal.status, portal.text).toBe(303);
    expect(portal.headers.get("location")).toMatch(/\/portal\/bps_/);
  });

  it("refuses a post without the CSRF token, and an unknown plan, changing nothing", async () => {
    const t = await createTenant();
    const b = await Browser.signIn(t.owner);
    await b.get("/app/billing");
    const forged = await b.post("/app/billing/checkout", { plan: "starter" }, { csrf: false });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain("Your form expired");
    const unknown = await b.post("/app/billing/checkout", { plan: "enterprise" });
    expect(unknown.status).toBe(400);
  });

  it("shows other roles the 403 page and no billing link", async () => {
    const t = await createTenant();
    const agent = await t.createUser("agent");
    const b = await Browser.signIn(agent);
    expect((await b.get("/app")).text).not.toContain('href="/app/billing"');
    const page = await b.get("/app/billing");
    expect(page.status).toBe(403);
    expect(page.text).toContain("Not allowed");
    const post = await b.post("/app/billing/portal", {});
    expect(post.status).toBe(403);
  });

  it("lets a billing admin in", async () => {
    const t = await createTenant();
    const admin = await t.createUser("billing_admin");
    const b = await Browser.signIn(admin);
    expect((await b.get("/app")).text).toContain('href="/app/billing"');
    expectStatus(await b.get("/app/billing"), 200);
  });
});
