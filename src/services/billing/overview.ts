import { desc, eq, sql } from "drizzle-orm";
import { invoices } from "../../db/schema";
import { METERS, PLANS, WARN_AT, type Meter, type Plan } from "../../../tenants/plans";
import { withTenant } from "../access";
import type { ServiceContext } from "../context";
import { currentPeriod, isRestricted, liveSubscription, loadSnapshot, standing, type BillingSnapshot, type Standing } from "./account";
import type { Billing } from "./model";
import { usageFor } from "./usage";

const INVOICES_SHOWN = 12;
const DAY = 24 * 60 * 60 * 1000;
const day = (d: Date) => d.toISOString().slice(0, 10);
const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

export const planView = (p: Plan) => ({
  id: p.id,
  name: p.name,
  summary: p.summary,
  currency: p.currency,
  monthly_amount: p.monthlyAmount,
  unit_prices: Object.fromEntries(Object.entries(p.unitPrices).map(([m, u]) => [m, u.unitAmountDecimal])),
  limits: p.limits,
  purchasable: p.priceLookupKey !== null,
});

/** Sentences for the billing page and the API, most urgent first. */
function warningsFor(snap: BillingSnapshot, st: Standing, usage: Record<Meter, number>, periodEnd: Date, now: Date): string[] {
  const out: string[] = [];
  const restricted = isRestricted(st, now);
  const when = st.restrictAt ? day(st.restrictAt) : "";
  if (st.restrictionReason === "payment_overdue") {
    out.push(restricted
      ? "A payment is overdue: outbound messages and new channels are paused until an invoice is paid. Update your payment method in the customer portal."
      : `Your last payment failed. Update your payment method before ${when} to keep sending messages.`);
  } else if (st.restrictionReason === "trial_ended" && st.status === "trial_expired") {
    out.push(restricted ? "Your free trial has ended: outbound messages and new channels are paused until you choose a plan." : `Your free trial has ended. Choose a plan before ${when} to keep sending messages.`);
  } else if (st.status === "trialing" && snap.account.trialEndsAt && snap.account.trialEndsAt.getTime() - now.getTime() < 3 * DAY) {
    out.push(`Your free trial ends on ${day(snap.account.trialEndsAt)}. Choose a plan to keep Parley running.`);
  } else if (st.restrictionReason === "subscription_canceled") {
    out.push(restricted ? "Your subscription has ended: outbound messages and new channels are paused until you subscribe again." : `Your subscription was canceled and ends on ${when}.`);
  }
  const sub = liveSubscription(snap);
  if (sub?.cancelAtPeriodEnd && sub.currentPeriodEnd) out.push(`Your subscription is set to end on ${day(sub.currentPeriodEnd)}.`);
  for (const m of METERS) {
    const limit = snap.plan.limits[m];
    if (limit === null || limit === 0) continue;
    const label = m.replace("_", " ");
    if (usage[m] >= limit) out.push(`The ${label} limit of this period (${limit}) is reached: new ones are refused until ${day(periodEnd)} or an upgrade.`);
    else if (usage[m] >= limit * WARN_AT) out.push(`${Math.round((usage[m] / limit) * 100)}% of this period's ${limit} ${label} used.`);
  }
  return out;
}

/** GET /v1/billing and the billing page: local state only (kept in step by Stripe webhooks), no Stripe call. */
export async function getBilling({ ctx }: { ctx: ServiceContext }): Promise<Billing> {
  return withTenant(ctx, "billing:manage", async (tx, p) => {
    const now = new Date();
    const snap = await loadSnapshot(tx, p.tenant.id);
    const period = currentPeriod(snap, now);
    const st = standing(snap, now);
    const { usage, reported } = await usageFor(tx, p.tenant.id, period.start);
    const rows = await tx.select().from(invoices).where(eq(invoices.tenantId, p.tenant.id)).orderBy(desc(invoices.createdAt)).limit(INVOICES_SHOWN);
    const sub = liveSubscription(snap);
    const month = now.toISOString().slice(0, 7);
    const ai = await tx.execute<{ monthly_limit_cents: number | null; spent_cents: number | null; calls: number | null; exhausted_at: string | null }>(sql`
      select b.monthly_limit_cents, s.spent_cents, s.calls, s.exhausted_at
      from (select 1) one
      left join ai_budgets b on b.tenant_id = ${p.tenant.id}::uuid
      left join ai_spend s on s.tenant_id = ${p.tenant.id}::uuid and s.month = ${month}`);
    const a = ai.rows[0];
    const aiBudget = { month, monthly_limit_cents: a?.monthly_limit_cents ?? null, spent_cents: Number(a?.spent_cents ?? 0), calls: Number(a?.calls ?? 0), exhausted_at: a?.exhausted_at ? new Date(a.exhausted_at).toISOString() : null };
    const warnings = warningsFor(snap, st, usage, period.end, now);
    if (aiBudget.exhausted_at) {
      warnings.push(`This month's AI budget (${aiBudget.monthly_limit_cents} cents) is used up: messages are understood by the built-in annotator until the month ends or the budget is raised.`);
    }
    return {
      plan: snap.plan.id,
      plan_name: snap.plan.name,
      status: st.status,
      payment_status: st.paymentStatus,
      restricted: isRestricted(st, now),
      restrict_at: iso(st.restrictAt),
      period: { start: period.start.toISOString(), end: period.end.toISOString() },
      usage,
      reported,
      limits: snap.plan.limits,
      warnings,
      ai_budget: aiBudget,
      trial_ends_at: sub ? null : iso(snap.account.trialEndsAt),
      cancel_at_period_end: sub?.cancelAtPeriodEnd ?? false,
      stripe_customer_id: snap.account.stripeCustomerId,
      stripe_configured: !!(ctx.config.STRIPE_SECRET_KEY && ctx.config.STRIPE_WEBHOOK_SECRET),
      invoices: rows.map((r) => ({
        id: r.stripeInvoiceId,
        status: r.status,
        currency: r.currency,
        amount_due: r.amountDue,
        amount_paid: r.amountPaid,
        hosted_invoice_url: r.hostedInvoiceUrl,
        invoice_pdf: r.invoicePdf,
        period_start: iso(r.periodStart),
        period_end: iso(r.periodEnd),
        paid_at: iso(r.paidAt),
        created_at: r.createdAt.toISOString(),
      })),
      plans: Object.values(PLANS).map((pl) => planView(pl as Plan)),
    };
  });
}
