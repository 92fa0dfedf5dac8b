// Billing test helpers: signed Stripe events (the SDK's own test-header helper), the local Stripe
// double's controls (what it received, failures to inject, subscriptions as Checkout would create
// them), outbox events for metering, and the queue consumer driven the way Queues drives it.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import Stripe from "stripe";
import { expect } from "vitest";
import worker from "../src/index";
import type { Env } from "../src/env";
import type { OutboxMessage } from "../src/queues/outbox-relay";
import { PLANS, type PaidPlanId } from "../tenants/plans";
import { call, expectStatus, ownerQuery, type Res, type TenantHandle } from "./harness";

/** The test bindings as the Worker's own Env type (for calling service and Durable Object clients directly). */
export const workerEnv = env as unknown as Env;

const doubleUrl = () => `http://127.0.0.1:${env.STRIPE_API_PORT}/_double`;

/** Reads from or drives the Stripe double (GET without a body, POST with one). */
export async function stripeDouble<T = any>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${doubleUrl()}${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

/** An event exactly as Stripe delivers it to an endpoint. */
export function stripeEvent(type: string, object: Record<string, unknown>, opts: { id?: string; created?: number } = {}) {
  return {
    id: opts.id ?? `evt_test_${crypto.randomUUID().replace(/-/g, "")}`,
    object: "event",
    api_version: Stripe.API_VERSION,
    created: opts.created ?? Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** Signs the exact payload with the SDK's helper (t=<timestamp>,v1=<HMAC-SHA256>), as Stripe does. */
export function signature(payload: string, opts: { secret?: string; timestamp?: number } = {}) {
  return Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: opts.secret ?? env.STRIPE_WEBHOOK_SECRET,
    timestamp: opts.timestamp,
    cryptoProvider: Stripe.createSubtleCryptoProvider(),
  });
}

export async function deliver(event: object, opts: { secret?: string; timestamp?: number; payload?: string } = {}): Promise<Res> {
  const payload = opts.payload ?? JSON.stringify(event);
  const header = await signature(JSON.stringify(event), opts);
  return call("POST", "/hooks/stripe", { rawBody: payload, headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": header } });
}

export const lookupKeys = (plan: PaidPlanId) => [PLANS[plan].priceLookupKey, ...Object.values(PLANS[plan].unitPrices).map((u) => u.lookupKey)];

/**
 * A workspace on a paid plan, the way production gets there: checkout through the API (which creates
 * its Stripe customer), the subscription Checkout would create, and Stripe's webhook announcing it.
 */
export async function subscribe(t: TenantHandle, plan: PaidPlanId = "starter") {
  expectStatus(await call("POST", "/v1/billing/checkout", { token: t.owner.token, body: { plan } }), 200);
  const [account] = await ownerQuery("select stripe_customer_id from billing_accounts where tenant_id = $1", [t.id]);
  const customer = account.stripe_customer_id as string;
  const subscription = await stripeDouble("/subscriptions", { customer, lookup_keys: lookupKeys(plan), metadata: { tenant_id: t.id, plan } });
  expectStatus(await deliver(stripeEvent("customer.subscription.created", subscription)), 200);
  return { customer, subscription };
}

/** Everything billing owns for a tenant, read as the owner: "nothing changed" is checked on this. */
export async function billingState(tenantId: string): Promise<string> {
  const out: Record<string, unknown> = {};
  const tables = {
    accounts: "select * from billing_accounts where tenant_id = $1",
    subscriptions: "select * from subscriptions where tenant_id = $1 order by stripe_subscription_id",
    invoices: "select * from invoices where tenant_id = $1 order by stripe_invoice_id",
    counters: "select * from usage_counters where tenant_id = $1 order by meter, period_start",
    processed: "select consumer, event_id from processed_events where tenant_id = $1 order by consumer, event_id",
    audit: "select action from audit_log where tenant_id = $1 and action like 'billing.%' order by id",
  };
  for (const [name, sql] of Object.entries(tables)) out[name] = await ownerQuery(sql, [tenantId]);
  return JSON.stringify(out);
}

/** Billable events as the channel edge writes them: outbox rows, in the mutation's transaction. */
export async function insertMessageEvents(tenantId: string, count: number, type = "message.sent"): Promise<OutboxMessage[]> {
  const out: OutboxMessage[] = [];
  for (let i = 0; i < count; i++) {
    const id = crypto.randomUUID();
    const payload = { message_id: crypto.randomUUID(), conversation_id: crypto.randomUUID(), channel_id: crypto.randomUUID() };
    const [row] = await ownerQuery("insert into outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, payload) values ($1, $2, $3, 'message', $4, $5) returning created_at", [id, tenantId, type, payload.message_id, payload]);
    out.push({ id, tenant_id: tenantId, type, aggregate_type: "message", aggregate_id: payload.message_id, payload, created_at: new Date(row.created_at).toISOString() });
  }
  return out;
}

/** Runs the Worker's own queue handler on a batch, as Queues would deliver it; returns acks and retries. */
export async function runQueue<T>(queue: string, bodies: T[], attempts = 1) {
  const batch = createMessageBatch<T>(queue, bodies.map((body, i) => ({ id: `msg-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch as unknown as MessageBatch<OutboxMessage>, workerEnv);
  return getQueueResult(batch, ctx);
}

export async function counters(tenantId: string, meter = "messages") {
  return ownerQuery<{ quantity: string; reported: string; period_start: Date }>("select quantity, reported, period_start from usage_counters where tenant_id = $1 and meter = $2 order by period_start", [tenantId, meter]);
}

/** Retries `fn` until it stops throwing (queue consumers run asynchronously after a batch timeout). */
export async function until<T>(fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
