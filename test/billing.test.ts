import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { PLANS } from "../tenants/plans";
import { deliver, lookupKeys, stripeDouble, stripeEvent, subscribe } from "./billing-harness";
import { call, createHarness, createTenant, expectError, expectStatus, ownerQuery } from "./harness";

describe("GET /v1/billing", () => {
  it("shows a fresh workspace on the trial, with the trial's limits, this month's period and no usage", async () => {
    const t = await createTenant();
    const res = await call("GET", "/v1/billing", { token: t.owner.token });
    expectStatus(res, 200);
    expect(res.body, res.text).toMatchObject({
      plan: "trial",
      status: "trialing",
      payment_status: "good",
      restricted: false,
      usage: { messages: 0, ai_calls: 0, knowledge_queries: 0 },
      limits: PLANS.trial.limits,
      invoices: [],
      stripe_customer_id: null,
      stripe_configured: true,
    });
    const start = new Date(res.body.period.start);
    expect(start.getUTCDate()).toBe(1);
    expect(new Date(res.body.period.end) > new Date()).toBe(true);
    expect(Date.parse(res.body.trial_ends_at) - Date.now()).toBeGreaterThan(13 * 24 * 3600 * 1000);
    expect(res.body.plans.map((p: any) => p.id)).toEqual(["trial", "starter", "growth", "scale"]);
  });

  it("is for owners and billing admins only: every other role gets 403 on every billing route", async () => {
    const t = await createTenant();
    const billingAdmin = await t.createUser("billing_admin");
    expectStatus(await call("GET", "/v1/billing", { token: billingAdmin.token }), 200);
    // Two workspaces, so the trial's five seats hold every role.
    const other = await createTenant();
    for (const role of ["admin", "supervisor", "agent", "viewer"] as const) {
      const user = await (role === "admin" || role === "supervisor" ? t : other).createUser(role);
      expectError(await call("GET", "/v1/billing", { token: user.token }), 403, "FORBIDDEN");
      expectError(await call("POST", "/v1/billing/checkout", { token: user.token, body: { plan: "starter" } }), 403, "FORBIDDEN");
      expectError(await call("POST", "/v1/billing/portal", { token: user.token }), 403, "FORBIDDEN");
    }
    // Nothing reached Stripe on their behalf.
    const [row] = await ownerQuery("select count(*)::int as n from billing_accounts where tenant_id = any($1)", [[t.id, other.id]]);
    expect(row.n).toBe(0);
  });
});

describe("POST /v1/billing/checkout", () => {
  it("creates one Stripe customer named for the workspace and a subscription Checkout carrying the tenant id", async () => {
    const { tenant: t } = await createHarness();
    const first = await call("POST", "/v1/billing/checkout", { token: t.owner.token, body: { plan: "growth" } });
    expectStatus(first, 200);
    const again = await call("POST", "/v1/billing/checkout", { token: t.owner.token, body: { plan: "growth" } });
    expectStatus(again, 200);
    expect(first.body.url).toMatch(/\/checkout\/cs_test_/);

    const [account] = await ownerQuery("select stripe_customer_id from billing_accounts where tenant_id = $1", [t.id]);
    expect(account.stripe_customer_id).toMatch(/^cus_/);
    const requests = (await stripeDouble(`/requests?customer=${account.stripe_customer_id}`)).data;
    const sessions = requests.filter((r: any) => r.path === "/v1/checkout/sessions");
    expect(sessions).toHaveLength(2);
    expect(sessions[0].params).toMatchObject({
      mode: "subscription",
      customer: account.stripe_customer_id,
      client_reference_id: t.id,
      subscription_data: { metadata: { tenant_id: t.id, plan: "growth" } },
      success_url: "https://parley.test/app/billing?checkout=success",
    });
    // The flat price has a quantity; the metered one must not (Stripe refuses it).
    const items = sessions[0].params.line_items;
    expect(items).toEqual(expect.arrayContaining([expect.objectContaining({ quantity: "1" }), expect.not.objectContaining({ quantity: expect.anything() })]));
    const customers = (await stripeDouble("/requests?path=/v1/customers")).data.filter((r: any) => r.params.metadata?.tenant_id === t.id);
    expect(customers.map((c: any) => c.status)).toEqual([200]);
  });

  it("rejects the trial and unknown plans with 400 naming the field", async () => {
    const t = await createTenant();
    for (const plan of ["trial", "enterprise", ""]) {
      const res = await call("POST", "/v1/billing/checkout", { token: t.owner.token, body: { plan } });
      expectError(res, 400, "VALIDATION_FAILED");
      expect(res.body.error.field).toBe("plan");
    }
  });

  it("changes a live subscription's plan in place instead of starting a second subscription", async () => {
    const t = await createTenant();
    const { subscription } = await subscribe(t, "starter");
    expectError(await call("POST", "/v1/billing/checkout", { token: t.owner.token, body: { plan: "starter" } }), 409, "CONFLICT");
    const res = await call("POST", "/v1/billing/checkout", { token: t.owner.token, body: { plan: "scale" } });
    expectStatus(res, 200);
    expect(res.body.url).toBe("https://parley.test/app/billing?plan_changed=scale");
    // Stripe now has the scale prices on the same subscription; its webhook brings Parley in step.
    const updates = (await stripeDouble(`/requests?path=/v1/subscriptions/${subscription.id}`)).data.filter((r: any) => r.method === "POST");
    expect(updates).toHaveLength(1);
    const changed = await stripeDouble(`/subscriptions/${subscription.id}`);
    expect(changed.items.data.map((i: any) => i.price.lookup_key).sort()).toEqual(lookupKeys("scale").sort());
    expectStatus(await deliver(stripeEvent("customer.subscription.updated", changed, { created: Math.floor(Date.now() / 1000) + 1 })), 200);
    const billing = await call("GET", "/v1/billing", { token: t.owner.token });
    expect(billing.body, billing.text).toMatchObject({ plan: "scale", status: "active", limits: PLANS.scale.limits });
  });
});

describe("POST /v1/billing/portal", () => {
  it("opens the customer portal for the workspace's own customer", async () => {
    const t = await createTenant();
    const res = await call("POST", "/v1/billing/portal", { token: t.owner.token });
    expectStatus(res, 200);
    expect(res.body.url).toMatch(/\/portal\/bps_/);
    const [account] = await ownerQuery("select stripe_customer_id from billing_accounts where tenant_id = $1", [t.id]);
    const portal = (await stripeDouble(`/requests?path=/v1/billing_portal/sessions&customer=${account.stripe_customer_id}`)).data;
    expect(portal[0].params).toEqual({ customer: account.stripe_customer_id, return_url: "https://parley.test/app/billing" });
  });
});

describe("without Stripe configured", () => {
  it("answers 503 UNAVAILABLE with a message saying what to set, and still shows local billing", async () => {
    const t = await createTenant();
    const unconfigured = { ...env, STRIPE_SECRET_KEY: undefined, STRIPE_WEBHOOK_SECRET: undefined };
    const app = createApp();
    const send = async (method: string, path: string, body?: unknown) => {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`https://parley.test${path}`, { method, headers: { authorization: `Bearer ${t.owner.token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined }), unconfigured, ctx);
      await waitOnExecutionContext(ctx);
      return { status: res.status, text: await res.text() };
    };
    for (const [method, path, body] of [["POST", "/v1/billing/checkout", { plan: "starter" }], ["POST", "/v1/billing/portal"], ["POST", "/hooks/stripe", {}]] as const) {
      const res = await send(method, path, body);
      expect(res.status, res.text).toBe(503);
      expect(JSON.parse(res.text).error).toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("STRIPE_SECRET_KEY") });
    }
    const overview = await send("GET", "/v1/billing");
    expect(overview.status, overview.text).toBe(200);
    expect(JSON.parse(overview.text)).toMatchObject({ plan: "trial", stripe_configured: false });
  });
});

describe("OpenAPI", () => {
  it("documents the billing routes and the Stripe webhook", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    expect(doc.paths["/v1/billing"].get.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/Billing");
    expect(doc.paths["/v1/billing/checkout"].post.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/CheckoutInput");
    expect(doc.paths["/v1/billing/portal"].post.responses["503"]).toBeDefined();
    expect(doc.paths["/hooks/stripe"].post.responses["400"]).toBeDefined();
    expect(doc.paths["/hooks/stripe"].post.security).toEqual([]); // public: declared as such, not left out
  });
});
