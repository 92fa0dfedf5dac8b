import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../routes/hono-env";
import { getMe } from "../../services/auth/me";
import type { Billing } from "../../services/billing/model";
import { getBilling } from "../../services/billing/overview";
import { ensureCsrfToken } from "../csrf";
import { CsrfField } from "../forms";
import { Layout, render } from "../layout";
import { BILLING_CSS, Invoices, UsageChart } from "./billing-parts";
import { AppNav } from "./app-nav";

type Plan = Billing["plans"][number];

const dollars = (cents: number) => `$${(cents / 100).toFixed(cents % 100 ? 2 : 0)}`;
const day = (iso: string) => iso.slice(0, 10);
const limitText = (n: number | null) => (n === null ? "unlimited" : n.toLocaleString("en-US"));

/** Messages shown after Stripe sends the browser back (query parameters set by the checkout service). */
function returnNotice(q: (k: string) => string | undefined): string | undefined {
  if (q("checkout") === "success") return "Thank you! Your subscription is active as soon as Stripe confirms the payment (usually within seconds).";
  if (q("checkout") === "canceled") return "Checkout was canceled; nothing changed.";
  if (q("plan_changed")) return `Your plan is changing to ${q("plan_changed")}; the difference is prorated on the next invoice.`;
  return undefined;
}

const PlanCard = ({ plan, billing, csrf }: { plan: Plan; billing: Billing; csrf: string }) => {
  const current = billing.plan === plan.id;
  const subscribed = billing.plan !== "trial" && billing.status !== "canceled";
  return (
    <li class={current ? "plan current" : "plan"}>
      <h3>{plan.name}</h3>
      <p class="price">{dollars(plan.monthly_amount)}<span> / month</span></p>
      <p class="hint">{plan.summary}</p>
      <ul class="plan-limits">
        <li>{limitText(plan.limits.messages)} messages{plan.unit_prices.messages ? `, each billed at $${(Number(plan.unit_prices.messages) / 100).toFixed(3)}` : ""}</li>
        <li>{limitText(plan.limits.channels)} channels, {limitText(plan.limits.seats)} seats</li>
      </ul>
      {current ? (
        <p><span class="pill">Current plan</span></p>
      ) : (
        <form method="post" action="/app/billing/checkout">
          <CsrfField token={csrf} />
          <input type="hidden" name="plan" value={plan.id} />
          <button type="submit" disabled={!billing.stripe_configured}>{subscribed ? `Switch to ${plan.name}` : `Subscribe to ${plan.name}`}</button>
        </form>
      )}
    </li>
  );
};

/** GET /app/billing: owners and billing admins; everyone else gets the 403 page (FORBIDDEN from the service). */
export async function renderBilling(c: Context<AppEnv>, status: ContentfulStatusCode = 200) {
  const ctx = c.get("ctx");
  const billing = await getBilling({ ctx });
  const me = await getMe({ ctx });
  const csrf = ensureCsrfToken(c);
  const notice = returnNotice((k) => c.req.query(k));
  const urgent = billing.restricted || billing.payment_status !== "good";

  return render(
    c,
    <Layout title={`Billing · ${me.tenant.name}`} signedIn={me.user ? { email: me.user.email, csrf } : undefined}>
      <style dangerouslySetInnerHTML={{ __html: BILLING_CSS }} />
      {me.role ? <AppNav current="billing" role={me.role} /> : null}
      <div class="ws-head">
        <div>
          <h1>Billing</h1>
          <dl class="meta">
            <div><dt>Plan</dt><dd><span class="pill">{billing.plan_name}</span></dd></div>
            <div><dt>Status</dt><dd>{billing.status.replace("_", " ")}</dd></div>
            <div><dt>Period</dt><dd>{day(billing.period.start)} to {day(billing.period.end)}</dd></div>
            {billing.trial_ends_at ? <div><dt>Trial ends</dt><dd>{day(billing.trial_ends_at)}</dd></div> : null}
          </dl>
        </div>
      </div>
      {notice ? <div class="notice" role="status"><p>{notice}</p></div> : null}
      {billing.warnings.length ? (
        <div class={urgent ? "error-summary" : "notice warn"} role={urgent ? "alert" : "status"}>
          {billing.warnings.map((w) => <p>{w}</p>)}
        </div>
      ) : null}
      {!billing.stripe_configured ? <div class="notice warn" role="status"><p>Stripe is not configured on this server, so plans cannot be bought here yet (see the README, Billing and Stripe).</p></div> : null}
      <section class="card" aria-labelledby="usage-title">
        <h2 id="usage-title">Usage this period</h2>
        <UsageChart billing={billing} />
      </section>
      <section class="card" aria-labelledby="ai-title">
        <h2 id="ai-title">AI understanding</h2>
        <p>
          {billing.ai_budget.calls} model calls this month, {(billing.ai_budget.spent_cents / 100).toFixed(2)} USD
          {billing.ai_budget.monthly_limit_cents === null ? " (no monthly budget set)" : ` of a ${(billing.ai_budget.monthly_limit_cents / 100).toFixed(2)} USD monthly budget`}.
        </p>
        {billing.ai_budget.exhausted_at ? (
          <p class="hint">The budget ran out on {billing.ai_budget.exhausted_at.slice(0, 10)}: until the month ends, messages are understood by the built-in annotator (marked <code>local (fallback: budget exhausted)</code> in the inbox).</p>
        ) : (
          <p class="hint">Without a model configured, every message is understood by the built-in annotator at no cost.</p>
        )}
      </section>
      <section class="card" aria-labelledby="plans-title">
        <h2 id="plans-title">Plans</h2>
        <ul class="plans">{billing.plans.filter((p) => p.purchasable).map((p) => <PlanCard plan={p} billing={billing} csrf={csrf} />)}</ul>
      </section>
      <section class="card" aria-labelledby="manage-title">
        <h2 id="manage-title">Payment methods and cancellation</h2>
        <p class="hint">Update your card, download receipts or cancel in Stripe's customer portal.</p>
        <form method="post" action="/app/billing/portal">
          <CsrfField token={csrf} />
          <button type="submit" class="secondary" disabled={!billing.stripe_configured}>Open the customer portal</button>
        </form>
      </section>
      <section class="card" aria-labelledby="invoices-title">
        <h2 id="invoices-title">Invoices</h2>
        <Invoices invoices={billing.invoices} />
      </section>
    </Layout>,
    status,
  );
}
