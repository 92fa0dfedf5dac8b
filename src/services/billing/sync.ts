import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { invoices, subscriptions, tenants } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { GRACE_DAYS, planByLookupKey, planById } from "../../../tenants/plans";
import { ensureAccount, liveSubscription, loadSnapshot, updateAccount, type AccountRow } from "./account";
import type { Stripe } from "./stripe";

const DAY = 24 * 60 * 60 * 1000;
const at = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);
const idOf = (x: string | { id: string } | null | undefined) => (typeof x === "string" ? x : (x?.id ?? null));

/** The plan a subscription stands for: its flat price's lookup key, else the metadata set at checkout. */
function planOf(sub: Stripe.Subscription): string {
  for (const item of sub.items.data) {
    const plan = planByLookupKey(item.price.lookup_key);
    if (plan) return plan.id;
  }
  return planById(sub.metadata?.plan).id;
}

function subscriptionFields(sub: Stripe.Subscription) {
  // Since the 2025 "basil" API versions the billing period lives on the items; they share one cycle.
  const item = sub.items.data[0];
  const flat = sub.items.data.find((i) => i.price.recurring?.usage_type !== "metered") ?? item;
  return {
    plan: planOf(sub),
    status: sub.status,
    stripePriceId: flat?.price.id ?? null,
    currentPeriodStart: at(item?.current_period_start),
    currentPeriodEnd: at(item?.current_period_end),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    canceledAt: at(sub.canceled_at ?? sub.ended_at),
  };
}

/**
 * Order-free: an event older than the last one applied changes nothing, and `canceled` is final (Stripe
 * never revives a subscription). Events in the same second cannot be ordered by timestamp, so then the
 * subscription is re-read from Stripe and its current state applied.
 */
export async function applySubscription(tx: Tx, tenantId: string, incoming: Stripe.Subscription, eventCreated: number, reread: () => Promise<Stripe.Subscription>, attempt = 0): Promise<boolean> {
  const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, incoming.id)).for("update").limit(1);
  let sub = incoming;
  if (row) {
    if (row.status === "canceled" || eventCreated < row.stripeEventCreated) return false;
    if (eventCreated === row.stripeEventCreated) sub = await reread();
    await tx
      .update(subscriptions)
      .set({ ...subscriptionFields(sub), stripeEventCreated: eventCreated, updatedAt: sql`now()`, version: sql`${subscriptions.version} + 1` })
      .where(and(eq(subscriptions.id, row.id), eq(subscriptions.version, row.version)));
  } else {
    const inserted = await tx
      .insert(subscriptions)
      .values({ id: crypto.randomUUID(), tenantId, stripeSubscriptionId: sub.id, ...subscriptionFields(sub), stripeEventCreated: eventCreated })
      .onConflictDoNothing()
      .returning({ id: subscriptions.id });
    // Lost a race with another event about the same new subscription: now there is a row to order against.
    if (inserted.length === 0) {
      if (attempt > 0) throw new AppError("CONFLICT", `Subscription ${sub.id} belongs to another workspace`);
      return applySubscription(tx, tenantId, incoming, eventCreated, reread, attempt + 1);
    }
  }
  await syncAccount(tx, tenantId, sub.status, eventCreated);
  return true;
}

/** The account follows its live subscription: plan, and payment standing from the subscription's status. */
async function syncAccount(tx: Tx, tenantId: string, status: string, eventCreated: number): Promise<void> {
  const snap = await loadSnapshot(tx, tenantId);
  const account = await ensureAccount(tx, snap);
  const plan = liveSubscription(snap)?.plan ?? "trial";
  if (account.plan !== plan) {
    await updateAccount(tx, tenantId, account.version, { plan });
    await tx.update(tenants).set({ plan, updatedAt: sql`now()` }).where(eq(tenants.id, tenantId));
  }
  const fresh = plan === account.plan ? account : { ...account, version: account.version + 1 };
  if (status === "past_due") await markPastDue(tx, fresh, eventCreated);
  else if (status === "unpaid") await setStanding(tx, fresh, "restricted", eventCreated);
  else if (status === "active" || status === "trialing") await markRestored(tx, fresh, eventCreated);
}

async function setStanding(tx: Tx, a: AccountRow, paymentStatus: AccountRow["paymentStatus"], eventCreated: number) {
  if (a.paymentStatus === paymentStatus) return;
  const since = a.pastDueSince ?? new Date(eventCreated * 1000);
  const set = paymentStatus === "good" ? { paymentStatus, pastDueSince: null, graceEndsAt: null } : { paymentStatus, pastDueSince: since, graceEndsAt: a.graceEndsAt ?? new Date(since.getTime() + GRACE_DAYS * DAY) };
  if (!(await updateAccount(tx, a.tenantId, a.version, set))) throw new AppError("VERSION_CONFLICT", "Billing account changed concurrently");
}

/** Warned now, limited when the grace period ends (computed on read, see account.ts `standing`). */
export async function markPastDue(tx: Tx, a: AccountRow, eventCreated: number) {
  if (a.paymentStatus === "good") await setStanding(tx, a, "past_due", eventCreated);
}

/** Restored the moment a payment succeeds, unless that success is older than the failure being cured. */
export async function markRestored(tx: Tx, a: AccountRow, eventCreated: number) {
  if (a.paymentStatus === "good") return;
  if (a.pastDueSince && eventCreated * 1000 < a.pastDueSince.getTime()) return;
  await setStanding(tx, a, "good", eventCreated);
}

const FINAL_INVOICE_STATUSES = ["paid", "void"];

/** Upserts the invoice row; returns false when the event is older than what is stored (nothing changed). */
export async function applyInvoice(tx: Tx, tenantId: string, inv: Stripe.Invoice, eventCreated: number): Promise<boolean> {
  const [row] = await tx.select().from(invoices).where(eq(invoices.stripeInvoiceId, inv.id!)).for("update").limit(1);
  const status = inv.status ?? "draft";
  if (row && (eventCreated < row.stripeEventCreated || (FINAL_INVOICE_STATUSES.includes(row.status) && !FINAL_INVOICE_STATUSES.includes(status)))) return false;
  const fields = {
    stripeSubscriptionId: idOf(inv.parent?.subscription_details?.subscription),
    status,
    currency: inv.currency,
    amountDue: inv.amount_due,
    amountPaid: inv.amount_paid,
    hostedInvoiceUrl: inv.hosted_invoice_url ?? null,
    invoicePdf: inv.invoice_pdf ?? null,
    periodStart: at(inv.period_start),
    periodEnd: at(inv.period_end),
    paidAt: at(inv.status_transitions?.paid_at),
    stripeEventCreated: eventCreated,
  };
  if (row) await tx.update(invoices).set({ ...fields, updatedAt: sql`now()` }).where(eq(invoices.id, row.id));
  else await tx.insert(invoices).values({ id: crypto.randomUUID(), tenantId, stripeInvoiceId: inv.id!, ...fields, createdAt: at(inv.created) ?? new Date() });
  return true;
}
