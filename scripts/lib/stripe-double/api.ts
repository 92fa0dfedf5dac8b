// The Stripe endpoints Parley calls, as the double answers them: same paths, same parameter names,
// same error bodies (`{error:{type, code, message, param}}`) and statuses as Stripe documents.
import { eventFor, list, newId, now, type DoubleState, type Obj } from "./objects.ts";

export interface ApiResult {
  status: number;
  body: Obj;
}

export class StripeError extends Error {
  readonly status: number;
  readonly body: Obj;
  constructor(status: number, error: Obj) {
    super(String(error.message));
    this.status = status;
    this.body = { error };
  }
}

const missing = (kind: string, id: string, param?: string) =>
  new StripeError(404, { type: "invalid_request_error", code: "resource_missing", message: `No such ${kind}: '${id}'`, ...(param && { param }) });
const invalid = (message: string, param?: string) => new StripeError(400, { type: "invalid_request_error", code: "parameter_invalid", message, ...(param && { param }) });
const required = (param: string) => new StripeError(400, { type: "invalid_request_error", code: "parameter_missing", message: `Missing required param: ${param}.`, param });
const arrayOf = (v: unknown): Obj[] => (Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : []);

export type Hosted = { checkoutUrl(id: string): string; portalUrl(id: string): string };

/** Routes one authenticated API request. `p` is the decoded form (v1) or JSON (v2) body, or the query for GETs. */
export function route(state: DoubleState, hosted: Hosted, method: string, path: string, p: Obj): ApiResult {
  const ok = (body: Obj) => ({ status: 200, body });
  let m: RegExpMatchArray | null;
  if (method === "POST" && path === "/v1/customers") return ok(state.createCustomer(p));
  if (method === "GET" && (m = path.match(/^\/v1\/customers\/([^/]+)$/))) {
    const c = state.customers.get(m[1]!);
    if (!c) throw missing("customer", m[1]!, "id");
    return ok(c);
  }
  if (method === "GET" && path === "/v1/prices") {
    const keys = arrayOf(p.lookup_keys) as unknown as string[];
    const active = p.active === undefined ? undefined : p.active === "true";
    const data = [...state.prices.values()].filter((x) => (!keys.length || keys.includes(x.lookup_key)) && (active === undefined || x.active === active));
    return ok(list(data.slice(0, Number(p.limit ?? 10)), "/v1/prices"));
  }
  if (method === "POST" && path === "/v1/checkout/sessions") return ok(createCheckoutSession(state, hosted, p));
  if (method === "POST" && path === "/v1/billing_portal/sessions") {
    if (!p.customer) throw required("customer");
    if (!state.customers.has(p.customer)) throw missing("customer", p.customer, "customer");
    const id = newId("bps");
    const session = {
      id, object: "billing_portal.session", configuration: "bpc_double_default", created: now(), customer: p.customer, flow: null,
      livemode: false, locale: p.locale ?? null, on_behalf_of: null, return_url: p.return_url ?? null, url: hosted.portalUrl(id),
    };
    state.portalSessions.set(id, session);
    return ok(session);
  }
  if ((m = path.match(/^\/v1\/subscriptions\/([^/]+)$/))) {
    const sub = state.subscriptions.get(m[1]!);
    if (!sub) throw missing("subscription", m[1]!, "id");
    if (method === "GET") return ok(sub);
    if (method === "POST") return ok(updateSubscription(state, sub, p));
  }
  if (method === "POST" && path === "/v2/billing/meter_event_session") {
    const token = newId("mes_tok", 32);
    const expires = Date.now() + 15 * 60 * 1000;
    state.meterSessions.set(token, expires);
    return ok({ id: newId("mes"), object: "v2.billing.meter_event_session", authentication_token: token, created: new Date().toISOString(), expires_at: new Date(expires).toISOString(), livemode: false });
  }
  if (method === "POST" && path === "/v2/billing/meter_event_stream") return ok(acceptMeterEvents(state, p));
  throw new StripeError(404, { type: "invalid_request_error", message: `Unrecognized request URL (${method}: ${path}).` });
}

function createCheckoutSession(state: DoubleState, hosted: Hosted, p: Obj): Obj {
  if (!p.mode) throw required("mode");
  if (!["payment", "setup", "subscription"].includes(p.mode)) throw invalid(`Invalid mode: must be one of payment, setup, or subscription`, "mode");
  if (!p.success_url && p.ui_mode !== "embedded") throw required("success_url");
  if (p.customer && !state.customers.has(p.customer)) throw missing("customer", p.customer, "customer");
  const items = arrayOf(p.line_items);
  if (p.mode === "subscription" && items.length === 0) throw required("line_items");
  items.forEach((li, i) => {
    const price = state.prices.get(li.price);
    if (!price) throw missing("price", li.price, `line_items[${i}][price]`);
    const metered = price.recurring?.usage_type === "metered";
    if (metered && li.quantity !== undefined) throw invalid(`Quantity should not be specified where usage_type is \`metered\`. Remove quantity from \`line_items[${i}]\`.`, `line_items[${i}][quantity]`);
    if (!metered && li.quantity === undefined) throw invalid(`Quantity is required. Add \`quantity\` to \`line_items[${i}]\``, `line_items[${i}][quantity]`);
  });
  const id = newId("cs_test", 58);
  const session = {
    id, object: "checkout.session", cancel_url: p.cancel_url ?? null, client_reference_id: p.client_reference_id ?? null, created: now(),
    currency: items.length ? state.prices.get(items[0]!.price)!.currency : null, customer: p.customer ?? null, customer_email: p.customer_email ?? null,
    expires_at: now() + 24 * 3600, livemode: false, metadata: p.metadata ?? {}, mode: p.mode, payment_status: "unpaid", status: "open",
    subscription: null, success_url: p.success_url ?? null, ui_mode: p.ui_mode ?? "hosted", url: hosted.checkoutUrl(id),
    // Not part of Stripe's response object; kept so the hosted page can create the subscription Checkout would.
    _line_items: items, _subscription_metadata: p.subscription_data?.metadata ?? {},
  };
  state.checkoutSessions.set(id, session);
  return publicView(session);
}

/** Drops the double's private fields (leading underscore) from what it returns. */
export const publicView = (o: Obj) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("_")));

function updateSubscription(state: DoubleState, sub: Obj, p: Obj): Obj {
  if (sub.status === "canceled") throw invalid("A canceled subscription can only update its cancellation_details and metadata.");
  const start = sub.items.data[0]?.current_period_start ?? now();
  for (const [i, change] of arrayOf(p.items).entries()) {
    const price = change.price ? state.prices.get(change.price) : undefined;
    if (change.price && !price) throw missing("price", change.price, `items[${i}][price]`);
    const existing = change.id ? sub.items.data.find((x: Obj) => x.id === change.id) : undefined;
    if (change.id && !existing) throw missing("subscription_item", change.id, `items[${i}][id]`);
    if (existing && change.deleted === "true") sub.items.data = sub.items.data.filter((x: Obj) => x !== existing);
    else if (existing && price) Object.assign(existing, state.item(sub.id, price, start, change.quantity ? Number(change.quantity) : undefined), { id: existing.id });
    else if (price) sub.items.data.push(state.item(sub.id, price, start, change.quantity ? Number(change.quantity) : undefined));
  }
  if (p.metadata) sub.metadata = { ...sub.metadata, ...p.metadata };
  if (p.cancel_at_period_end !== undefined) sub.cancel_at_period_end = p.cancel_at_period_end === "true";
  return sub;
}

function acceptMeterEvents(state: DoubleState, p: Obj): Obj {
  const events = arrayOf(p.events);
  if (events.length === 0) throw new StripeError(400, { type: "invalid_request_error", code: "parameter_missing", message: "events is required" });
  if (events.length > 100) throw new StripeError(400, { type: "invalid_request_error", code: "parameter_invalid", message: "events supports up to 100 events per request" });
  for (const e of events) {
    if (!e.event_name || !e.payload?.stripe_customer_id || e.payload?.value === undefined) {
      throw new StripeError(400, { type: "invalid_request_error", code: "parameter_invalid", message: "Each event needs event_name and payload.stripe_customer_id and payload.value" });
    }
    const identifier = e.identifier ?? newId("idmp");
    // Stripe enforces identifier uniqueness over a rolling 24 hours: a repeat is accepted and ignored.
    const seen = state.meterEvents.get(identifier);
    if (seen && Date.now() - seen.received_at < 24 * 3600 * 1000) continue;
    state.meterEvents.set(identifier, {
      object: "v2.billing.meter_event", created: new Date().toISOString(), event_name: e.event_name, identifier, livemode: false,
      payload: e.payload, timestamp: e.timestamp ?? new Date().toISOString(), received_at: Date.now(),
    });
  }
  return {};
}

/** The events Stripe would send after a checkout is paid: session completed, subscription created, invoice paid. */
export function completeCheckout(state: DoubleState, session: Obj): Obj[] {
  const prices = (session._line_items as Obj[]).map((li) => state.prices.get(li.price)!);
  const sub = state.createSubscription({ customer: session.customer, prices, metadata: session._subscription_metadata });
  const invoice = state.createInvoice(sub, "paid");
  Object.assign(session, { status: "complete", payment_status: "paid", subscription: sub.id });
  return [eventFor("checkout.session.completed", publicView(session)), eventFor("customer.subscription.created", sub), eventFor("invoice.paid", invoice)];
}
