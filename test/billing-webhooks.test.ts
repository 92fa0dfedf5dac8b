import { describe, expect, it } from "vitest";
import { assertBillingAllows, checkMessageQuota, refreshQuota } from "../durable-objects/tenant-quota/client";
import { billingState, deliver, stripeDouble, stripeEvent, subscribe, workerEnv } from "./billing-harness";
import { call, createHarness, createTenant, expectError, expectStatus, ownerQuery, type TenantHandle } from "./harness";

const nowSeconds = () => Math.floor(Date.now() / 1000);

function invoice(t: TenantHandle, customer: string, subscription: string, fields: Record<string, unknown> = {}) {
  const id = `in_test_${crypto.randomUUID().slice(0, 12)}`;
  return {
    id, object: "invoice", customer, currency: "usd", amount_due: 2900, amount_paid: 0, status: "open", created: nowSeconds(),
    hosted_invoice_url: `https://invoice.stripe.com/i/acct_test/${id}`, invoice_pdf: `https://pay.stripe.com/invoice/acct_test/${id}/pdf`,
    period_start: nowSeconds() - 3600, period_end: nowSeconds(), status_transitions: { finalized_at: nowSeconds(), paid_at: null, marked_uncollectible_at: null, voided_at: null },
    parent: { type: "subscription_details", quote_details: null, subscription_details: { subscription, metadata: { tenant_id: t.id, plan: "starter" } } },
    livemode: false, metadata: {},
    ...fields,
  };
}

const billing = async (t: TenantHandle) => {
  const res = await call("GET", "/v1/billing", { token: t.owner.token });
  expectStatus(res, 200);
  return res.body;
};

describe("POST /hooks/stripe: idempotent", () => {
  it("applies an event replayed three times once", async () => {
    const t = await createTenant();
    const { customer, subscription } = await subscribe(t);
    const event = stripeEvent("invoice.payment_failed", invoice(t, customer, subscription.id));
    const first = await deliver(event);
    expect(first.body, first.text).toEqual({ received: true });
    const after = await billingState(t.id);
    for (let i = 0; i < 2; i++) {
      const again = await deliver(event);
      expectStatus(again, 200);
      expect(again.body).toEqual({ received: true, ignored: "duplicate" });
    }
    expect(await billingState(t.id)).toBe(after);
    expect((await billing(t)).payment_status).toBe("past_due");
  });

  it("applies an event delivered three times at once exactly once", async () => {
    const t = await createTenant();
    const { customer, subscription } = await subscribe(t);
    const event = stripeEvent("invoice.paid", invoice(t, customer, subscription.id, { status: "paid", amount_paid: 2900 }));
    const results = await Promise.all([deliver(event), deliver(event), deliver(event)]);
    for (const r of results) expectStatus(r, 200);
    expect(results.filter((r) => !r.body.ignored), JSON.stringify(results.map((r) => r.body))).toHaveLength(1);
    const claims = await ownerQuery("select count(*)::int as n from processed_events where tenant_id = $1 and event_id = $2", [t.id, event.id]);
    expect(claims[0].n).toBe(1);
    const audits = await ownerQuery("select count(*)::int as n from audit_log where tenant_id = $1 and action = 'billing.invoice_paid'", [t.id]);
    expect(audits[0].n).toBe(1);
    const rows = await ownerQuery("select status, amount_paid from invoices where tenant_id = $1", [t.id]);
    expect(rows).toEqual([{ status: "paid", amount_paid: "2900" }]);
  });
});

describe("POST /hooks/stripe: order-free", () => {
  it("keeps a subscription canceled when customer.subscription.deleted arrives before an earlier updated", async () => {
    const t = await createTenant();
    const { subscription } = await subscribe(t);
    const updated = stripeEvent("customer.subscription.updated", { ...subscription, cancel_at_period_end: true }, { created: nowSeconds() + 5 });
    const deleted = stripeEvent("customer.subscription.deleted", { ...subscription, status: "canceled", canceled_at: nowSeconds() + 10, ended_at: nowSeconds() + 10 }, { created: nowSeconds() + 10 });
    expectStatus(await deliver(deleted), 200);
    expectStatus(await deliver(updated), 200);
    // Even an update stamped later cannot revive it: Stripe never un-cancels a subscription.
    expectStatus(await deliver(stripeEvent("customer.subscription.updated", { ...subscription, status: "active" }, { created: nowSeconds() + 60 })), 200);
    const rows = await ownerQuery("select status from subscriptions where tenant_id = $1", [t.id]);
    expect(rows).toEqual([{ status: "canceled" }]);
    const b = await billing(t);
    expect(b, JSON.stringify(b)).toMatchObject({ plan: "trial", status: "canceled" });
  });

  it("ignores an update older than the one already applied", async () => {
    const t = await createTenant();
    const { subscription } = await subscribe(t);
    const newer = stripeEvent("customer.subscription.updated", { ...subscription, status: "past_due" }, { created: nowSeconds() + 20 });
    const older = stripeEvent("customer.subscription.updated", { ...subscription, status: "active", cancel_at_period_end: true }, { created: nowSeconds() + 10 });
    expectStatus(await deliver(newer), 200);
    const before = await billingState(t.id);
    expect((await deliver(older)).body).toEqual({ received: true });
    const rows = await ownerQuery("select status, cancel_at_period_end from subscriptions where tenant_id = $1", [t.id]);
    expect(rows).toEqual([{ status: "past_due", cancel_at_period_end: false }]);
    // Only the claim of the stale event was recorded; the subscription and account are untouched.
    const strip = (s: string) => { const o = JSON.parse(s); delete o.processed; return JSON.stringify(o); };
    expect(strip(await billingState(t.id))).toBe(strip(before));
  });

  it("re-reads the subscription from Stripe when two events carry the same second", async () => {
    const t = await createTenant();
    const { subscription } = await subscribe(t);
    const second = nowSeconds() + 30;
    expectStatus(await deliver(stripeEvent("customer.subscription.updated", { ...subscription, status: "past_due" }, { created: second })), 200);
    await stripeDouble(`/subscriptions/${subscription.id}`, { status: "active", cancel_at_period_end: true });
    expectStatus(await deliver(stripeEvent("customer.subscription.updated", { ...subscription, status: "past_due" }, { created: second })), 200);
    const rows = await ownerQuery("select status, cancel_at_period_end from subscriptions where tenant_id = $1", [t.id]);
    expect(rows).toEqual([{ status: "active", cancel_at_period_end: true }]);
  });
});

describe("POST /hooks/stripe: signatures", () => {
  it("answers 400 and changes nothing for a tampered body, a wrong secret, a stale or missing signature", async () => {
    const t = await createTenant();
    const { customer, subscription } = await subscribe(t);
    const event = stripeEvent("invoice.payment_failed", invoice(t, customer, subscription.id));
    const before = await billingState(t.id);
    const tampered = JSON.stringify({ ...event, data: { object: { ...event.data.object, amount_due: 1 } } });
    expectError(await deliver(event, { payload: tampered }), 400, "BAD_REQUEST");
    expectError(await deliver(event, { secret: "whsec_not_the_endpoint_secret" }), 400, "BAD_REQUEST");
    expectError(await deliver(event, { timestamp: nowSeconds() - 301 }), 400, "BAD_REQUEST");
    expectError(await call("POST", "/hooks/stripe", { rawBody: JSON.stringify(event), headers: { "content-type": "application/json" } }), 400, "BAD_REQUEST");
    const forged = `t=${nowSeconds()},v1=${"0".repeat(64)}`;
    expectError(await call("POST", "/hooks/stripe", { rawBody: JSON.stringify(event), headers: { "stripe-signature": forged } }), 400, "BAD_REQUEST");
    expect(await billingState(t.id)).toBe(before);
    // Within the 300 s tolerance the same event is accepted.
    expectStatus(await deliver(event, { timestamp: nowSeconds() - 240 }), 200);
    expect(await billingState(t.id)).not.toBe(before);
  });

  it("ignores events about a customer that is not the workspace's own", async () => {
    const { tenant, foreign } = await createHarness();
    const mine = await subscribe(tenant);
    const theirs = await subscribe(foreign);
    const before = await billingState(tenant.id);
    // Metadata says `tenant`, but the customer is the foreign workspace's: it must not touch `tenant`.
    const event = stripeEvent("invoice.payment_failed", invoice(tenant, theirs.customer, mine.subscription.id));
    const res = await deliver(event);
    expect(res.body, res.text).toEqual({ received: true, ignored: "foreign" });
    expect(await billingState(tenant.id)).toBe(before);
  });

  it("finds the workspace of an invoice without subscription metadata through its Stripe customer", async () => {
    const t = await createTenant();
    const { customer } = await subscribe(t);
    const event = stripeEvent("invoice.finalized", invoice(t, customer, "sub_unused", { parent: null }));
    expect((await deliver(event)).body).toEqual({ received: true });
    const b = await billing(t);
    expect(b.invoices).toEqual([expect.objectContaining({ id: event.data.object.id, status: "open", amount_due: 2900, hosted_invoice_url: expect.stringContaining("invoice.stripe.com") })]);
  });
});

describe("payment standing", () => {
  it("warns an unpaid workspace, limits it after the grace period, and restores it the moment invoice.paid arrives", async () => {
    const t = await createTenant();
    const { customer, subscription } = await subscribe(t);
    const failed = invoice(t, customer, subscription.id);
    expectStatus(await deliver(stripeEvent("invoice.payment_failed", failed)), 200);

    let b = await billing(t);
    expect(b, JSON.stringify(b)).toMatchObject({ payment_status: "past_due", restricted: false });
    expect(b.warnings[0]).toMatch(/payment failed/i);
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound" })).toMatchObject({ allowed: true, warning: expect.stringMatching(/will pause/) });

    // The grace period runs out (seven days, moved into the past here).
    await ownerQuery("update billing_accounts set past_due_since = now() - interval '8 days', grace_ends_at = now() - interval '1 day' where tenant_id = $1", [t.id]);
    await refreshQuota(workerEnv, t.id);
    b = await billing(t);
    expect(b, JSON.stringify(b)).toMatchObject({ payment_status: "restricted", restricted: true });
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound" })).toMatchObject({ allowed: false, reason: "payment_required" });
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "inbound" })).toMatchObject({ allowed: true });
    await expect(assertBillingAllows(workerEnv, t.id)).rejects.toMatchObject({ code: "PAYMENT_REQUIRED", status: 402 });

    const paid = { ...failed, status: "paid", amount_paid: 2900, status_transitions: { ...failed.status_transitions, paid_at: nowSeconds() } };
    expectStatus(await deliver(stripeEvent("invoice.paid", paid, { created: nowSeconds() + 1 })), 200);
    b = await billing(t);
    expect(b, JSON.stringify(b)).toMatchObject({ payment_status: "good", restricted: false, warnings: [] });
    expect(await checkMessageQuota(workerEnv, t.id, { direction: "outbound" })).toMatchObject({ allowed: true, reason: null });
    await assertBillingAllows(workerEnv, t.id);
  });
});
