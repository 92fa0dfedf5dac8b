// Stand-ins for Stripe's hosted pages, so `npm run dev` can go through a whole billing flow offline:
// Checkout ("pay" creates the subscription and a paid invoice), and a customer portal that can cancel,
// fail a payment and pay it again. Each action delivers the events Stripe would send, signed with the
// webhook secret, to Parley's /hooks/stripe, then returns the browser where Stripe would.
import type http from "node:http";
import Stripe from "stripe";
import { completeCheckout } from "./api.ts";
import { eventFor, now, type DoubleState, type Obj } from "./objects.ts";

interface HostedOptions {
  webhookUrl?: string;
  webhookSecret?: string;
}

const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (cents: number | null, decimal: string, currency: string) => (cents !== null ? `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}` : `${decimal}¢ ${currency.toUpperCase()}`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · Stripe double</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1f36}
.banner{background:#fff4e5;border:1px solid #f5b400;padding:.5rem .75rem;border-radius:6px}button{font:inherit;padding:.5rem 1rem;margin:.25rem .25rem .25rem 0;cursor:pointer}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem;text-align:left}</style></head>
<body><p class="banner">Local Stripe double: no real payment happens here.</p><h1>${esc(title)}</h1>${body}</body></html>`;
}

async function deliver(opts: HostedOptions, events: Obj[]): Promise<void> {
  if (!opts.webhookUrl || !opts.webhookSecret) return;
  for (const event of events) {
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.webhookSecret });
    const res = await fetch(opts.webhookUrl, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body: payload }).catch((e: Error) => e);
    if (res instanceof Error || !res.ok) console.warn(`[stripe double] webhook ${event.type} not accepted: ${res instanceof Error ? res.message : res.status}`);
  }
}

const redirect = (res: http.ServerResponse, to: string) => {
  res.writeHead(303, { location: to });
  res.end();
};
const html = (res: http.ServerResponse, status: number, body: string) => {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(body);
};

function portalActions(state: DoubleState, customer: string): Record<string, () => Obj[]> {
  const sub = [...state.subscriptions.values()].find((s) => s.customer === customer && s.status !== "canceled");
  if (!sub) return {};
  const updated = (previous: Obj) => eventFor("customer.subscription.updated", sub, previous);
  return {
    cancel: () => {
      Object.assign(sub, { status: "canceled", canceled_at: now(), ended_at: now() });
      return [eventFor("customer.subscription.deleted", sub)];
    },
    "fail-payment": () => {
      const inv = state.createInvoice(sub, "open");
      const previous = { status: sub.status };
      sub.status = "past_due";
      return [eventFor("invoice.payment_failed", inv), updated(previous)];
    },
    pay: () => {
      const inv = [...state.invoices.values()].reverse().find((i) => i.customer === customer && i.status === "open");
      if (inv) Object.assign(inv, { status: "paid", amount_paid: inv.amount_due, amount_remaining: 0, status_transitions: { ...inv.status_transitions, paid_at: now() } });
      const previous = { status: sub.status };
      sub.status = "active";
      return [...(inv ? [eventFor("invoice.paid", inv)] : []), updated(previous)];
    },
  };
}

export async function hostedPage(state: DoubleState, opts: HostedOptions, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
  const [, kind, id, action] = url.pathname.split("/");
  if (kind === "checkout") {
    const session = state.checkoutSessions.get(id ?? "");
    if (!session) return html(res, 404, page("Checkout not found", "<p>This Checkout session does not exist or has expired.</p>"));
    if (req.method === "POST" && action === "complete" && session.status === "open") {
      await deliver(opts, completeCheckout(state, session));
      return redirect(res, session.success_url);
    }
    const rows = (session._line_items as Obj[]).map((li) => state.prices.get(li.price)!).map((p) => `<tr><td>${esc(p.lookup_key)}</td><td>${esc(money(p.unit_amount, p.unit_amount_decimal, p.currency))}${p.recurring.usage_type === "metered" ? " per unit" : " per month"}</td></tr>`);
    return html(res, 200, page("Subscribe", `<table>${rows.join("")}</table>
<form method="post" action="/checkout/${esc(id)}/complete"><button type="submit">Pay and subscribe</button></form><p><a href="${esc(session.cancel_url)}">Cancel and go back</a></p>`));
  }
  const session = state.portalSessions.get(id ?? "");
  if (!session) return html(res, 404, page("Portal session not found", "<p>This portal session does not exist.</p>"));
  const actions = portalActions(state, session.customer);
  if (req.method === "POST" && action && actions[action]) {
    await deliver(opts, actions[action]());
    return redirect(res, session.return_url);
  }
  const subs = [...state.subscriptions.values()].filter((s) => s.customer === session.customer);
  const invoices = [...state.invoices.values()].filter((i) => i.customer === session.customer);
  const meterEvents = [...state.meterEvents.values()].filter((e) => e.payload.stripe_customer_id === session.customer);
  const button = (a: string, label: string) => (actions[a] ? `<form method="post" action="/portal/${esc(id)}/${a}" style="display:inline"><button type="submit">${label}</button></form>` : "");
  return html(res, 200, page("Billing portal", `<h2>Subscriptions</h2><table>${subs.map((s) => `<tr><td>${esc(s.id)}</td><td>${esc(s.status)}</td><td>${esc(s.items.data.map((i: Obj) => i.price.lookup_key).join(", "))}</td></tr>`).join("") || "<tr><td>None</td></tr>"}</table>
<p>${button("cancel", "Cancel subscription")}${button("fail-payment", "Simulate a failed payment")}${button("pay", "Pay overdue invoice")}</p>
<h2>Invoices</h2><table>${invoices.map((i) => `<tr><td>${esc(i.number)}</td><td>${esc(i.status)}</td><td>${esc(money(i.amount_due, "", i.currency))}</td></tr>`).join("") || "<tr><td>None</td></tr>"}</table>
<h2>Usage reported</h2><p>${meterEvents.length} meter events received.</p><p><a href="${esc(session.return_url)}">Return to Parley</a></p>`));
}
