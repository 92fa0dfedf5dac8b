// State and object shapes of the local Stripe double. Objects follow Stripe's documented JSON for API
// version the SDK pins (ids by prefix, `object`, `livemode: false`, Unix-second timestamps, periods on
// subscription items), trimmed to the fields Parley reads plus the ones every object always has.
import { randomBytes } from "node:crypto";
import Stripe from "stripe";

export type Obj = Record<string, any>;

export interface CatalogPrice {
  lookupKey: string;
  unitAmountDecimal: string;
  currency: string;
  kind: "flat" | "metered";
  meter?: string;
  plan: string;
}

const MONTH = 30 * 24 * 60 * 60;
export const now = () => Math.floor(Date.now() / 1000);
export const newId = (prefix: string, len = 24) => `${prefix}_${randomBytes(len).toString("base64url").replace(/[-_]/g, "").slice(0, len)}`;
export const list = (data: Obj[], url: string) => ({ object: "list", data, has_more: false, url });

/** Everything the double holds; tests read it through the /_double endpoints. */
export class DoubleState {
  customers = new Map<string, Obj>();
  prices = new Map<string, Obj>();
  checkoutSessions = new Map<string, Obj>();
  portalSessions = new Map<string, Obj>();
  subscriptions = new Map<string, Obj>();
  invoices = new Map<string, Obj>();
  /** Accepted meter events by identifier (Stripe drops a repeated identifier within 24 hours). */
  meterEvents = new Map<string, Obj & { received_at: number }>();
  meterSessions = new Map<string, number>();

  constructor(catalog: CatalogPrice[], saved?: Obj) {
    // A saved state (npm run dev keeps one in .parley/) comes back as it was; new catalog prices are added.
    for (const [name, entries] of Object.entries(saved ?? {})) if (this[name as keyof this] instanceof Map) this[name as keyof this] = new Map(entries as Array<[string, Obj]>) as never;
    for (const c of catalog) {
      if (this.priceByLookup(c.lookupKey)) continue;
      const meter = c.meter ? `mtr_${c.meter}` : null;
      const whole = /^\d+$/.test(c.unitAmountDecimal);
      const id = newId("price");
      this.prices.set(id, {
        id, object: "price", active: true, billing_scheme: "per_unit", created: now(), currency: c.currency, custom_unit_amount: null, livemode: false,
        lookup_key: c.lookupKey, metadata: { plan: c.plan }, nickname: null, product: `prod_${c.plan}`,
        recurring: { interval: "month", interval_count: 1, meter, trial_period_days: null, usage_type: c.kind === "metered" ? "metered" : "licensed" },
        tax_behavior: "unspecified", tiers_mode: null, transform_quantity: null, type: "recurring",
        unit_amount: whole ? Number(c.unitAmountDecimal) : null, unit_amount_decimal: c.unitAmountDecimal,
      });
    }
  }

  toJSON(): Obj {
    return Object.fromEntries(Object.entries(this).filter(([, v]) => v instanceof Map).map(([k, v]) => [k, [...(v as Map<string, unknown>)]]));
  }

  createCustomer(p: Obj): Obj {
    const c = {
      id: newId("cus", 14), object: "customer", address: null, balance: 0, created: now(), currency: null, default_source: null, delinquent: false,
      description: p.description ?? null, email: p.email ?? null, invoice_prefix: randomBytes(4).toString("hex").toUpperCase(),
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false, metadata: p.metadata ?? {}, name: p.name ?? null, phone: p.phone ?? null, preferred_locales: [], shipping: null, tax_exempt: "none", test_clock: null,
    };
    this.customers.set(c.id, c);
    return c;
  }

  priceByLookup(key: string): Obj | undefined {
    return [...this.prices.values()].find((p) => p.lookup_key === key);
  }

  /** A subscription as Checkout (or a test) creates it: one item per price, one shared monthly period. */
  createSubscription(p: { customer: string; prices: Obj[]; metadata?: Obj; status?: string; periodStart?: number }): Obj {
    const id = newId("sub");
    const start = p.periodStart ?? now();
    const items = p.prices.map((price) => this.item(id, price, start));
    const sub = {
      id, object: "subscription", billing_cycle_anchor: start, cancel_at: null, cancel_at_period_end: false, canceled_at: null,
      collection_method: "charge_automatically", created: start, currency: p.prices[0]?.currency ?? "usd", customer: p.customer,
      default_payment_method: null, ended_at: null, items: list(items, `/v1/subscription_items?subscription=${id}`), latest_invoice: null,
      livemode: false, metadata: p.metadata ?? {}, start_date: start, status: p.status ?? "active", trial_end: null, trial_start: null,
    };
    this.subscriptions.set(id, sub);
    return sub;
  }

  item(subscription: string, price: Obj, start: number, quantity?: number): Obj {
    const metered = price.recurring?.usage_type === "metered";
    return {
      id: newId("si", 14), object: "subscription_item", created: start, current_period_start: start, current_period_end: start + MONTH,
      metadata: {}, price, ...(metered ? {} : { quantity: quantity ?? 1 }), subscription,
    };
  }

  /** An invoice for a subscription's current period, in the shape of the 2025+ API (`parent.subscription_details`). */
  createInvoice(sub: Obj, status: "open" | "paid"): Obj {
    const id = newId("in");
    const amount = sub.items.data.reduce((sum: number, i: Obj) => sum + (i.price.unit_amount ?? 0) * (i.quantity ?? 0), 0);
    const period = sub.items.data[0];
    const inv = {
      id, object: "invoice", account_country: "US", amount_due: amount, amount_paid: status === "paid" ? amount : 0, amount_remaining: status === "paid" ? 0 : amount,
      attempt_count: 1, attempted: true, billing_reason: "subscription_cycle", collection_method: "charge_automatically", created: now(), currency: sub.currency,
      customer: sub.customer, hosted_invoice_url: `https://invoice.stripe.com/i/acct_double/test_${id}`, invoice_pdf: `https://pay.stripe.com/invoice/acct_double/test_${id}/pdf`,
      livemode: false, metadata: {}, number: `${randomBytes(4).toString("hex").toUpperCase()}-0001`,
      parent: { quote_details: null, subscription_details: { metadata: sub.metadata, subscription: sub.id }, type: "subscription_details" },
      period_start: period?.current_period_start ?? now(), period_end: period?.current_period_end ?? now(), status,
      status_transitions: { finalized_at: now(), marked_uncollectible_at: null, paid_at: status === "paid" ? now() : null, voided_at: null },
      subtotal: amount, total: amount,
    };
    this.invoices.set(id, inv);
    sub.latest_invoice = id;
    return inv;
  }
}

/** An event as Stripe delivers it to a webhook endpoint. */
export function eventFor(type: string, object: Obj, previous?: Obj): Obj {
  return {
    id: newId("evt"), object: "event", api_version: Stripe.API_VERSION, created: now(), data: { object, ...(previous && { previous_attributes: previous }) },
    livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type,
  };
}
