import { and, desc, eq, sql } from "drizzle-orm";
import type { Database, Tx } from "../../db/client";
import { billingAccounts, subscriptions, tenants } from "../../db/schema";
import { notFound } from "../../lib/errors";
import { GRACE_DAYS, planById, TRIAL_DAYS, type Plan } from "../../../tenants/plans";

const DAY = 24 * 60 * 60 * 1000;

export type AccountRow = typeof billingAccounts.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;

/** Subscription statuses under which the subscription's plan is the workspace's plan. */
export const LIVE_STATUSES = ["active", "trialing", "past_due", "unpaid", "paused"] as const;
const isLive = (status: string) => (LIVE_STATUSES as readonly string[]).includes(status);

/** Everything billing decisions are made from, read in one tenant transaction. */
export interface BillingSnapshot {
  tenantId: string;
  /** The stored account, or the one a workspace implicitly has before anything was ever written. */
  account: AccountRow;
  stored: boolean;
  /** The live subscription, if any; else the most recent one (for "canceled"). */
  subscription?: SubscriptionRow;
  plan: Plan;
}

/** A workspace needs no billing row to exist: until checkout or a webhook writes one, it is on the trial. */
function implicitAccount(tenantId: string, createdAt: Date): AccountRow {
  return {
    tenantId, stripeCustomerId: null, billingEmail: null, plan: "trial", paymentStatus: "good", pastDueSince: null, graceEndsAt: null,
    trialEndsAt: new Date(createdAt.getTime() + TRIAL_DAYS * DAY), createdAt, updatedAt: createdAt, version: 0,
  };
}

/** Live subscriptions first, then the newest: one row answers both "current plan" and "what ended". */
const LIVE_FIRST = [sql`${subscriptions.status} in ('active','trialing','past_due','unpaid','paused') desc`, desc(subscriptions.currentPeriodStart), desc(subscriptions.createdAt)];

function snapshotOf(tenantId: string, tenant: { createdAt: Date } | undefined, account: AccountRow | undefined, subscription: SubscriptionRow | undefined): BillingSnapshot {
  if (!tenant) throw notFound("Workspace");
  const live = subscription && isLive(subscription.status) ? subscription : undefined;
  return { tenantId, account: account ?? implicitAccount(tenantId, tenant.createdAt), stored: !!account, subscription, plan: planById(live?.plan ?? "trial") };
}

export async function loadSnapshot(tx: Tx, tenantId: string): Promise<BillingSnapshot> {
  const [tenant] = await tx.select({ createdAt: tenants.createdAt }).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  if (!tenant) throw notFound("Workspace");
  const [account] = await tx.select().from(billingAccounts).where(eq(billingAccounts.tenantId, tenantId)).limit(1);
  const [subscription] = await tx.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId)).orderBy(...LIVE_FIRST).limit(1);
  return snapshotOf(tenantId, tenant, account, subscription);
}

/** loadSnapshot's reads in one round trip, outside any transaction: for a decision nothing is locked for. */
export async function readSnapshot(db: Database, tenantId: string): Promise<BillingSnapshot> {
  const [[tenant], [account], [subscription]] = await db.batch({ tenantId }, (q) => [
    q.select({ createdAt: tenants.createdAt }).from(tenants).where(eq(tenants.id, tenantId)).limit(1),
    q.select().from(billingAccounts).where(eq(billingAccounts.tenantId, tenantId)).limit(1),
    q.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId)).orderBy(...LIVE_FIRST).limit(1),
  ]);
  return snapshotOf(tenantId, tenant, account, subscription);
}

/** Writes the implicit account (first checkout, first webhook); a concurrent writer's row wins harmlessly. */
export async function ensureAccount(tx: Tx, snapshot: BillingSnapshot): Promise<AccountRow> {
  if (snapshot.stored) return snapshot.account;
  const { createdAt: _c, updatedAt: _u, version: _v, ...values } = snapshot.account;
  await tx.insert(billingAccounts).values({ ...values, version: 1 }).onConflictDoNothing();
  const [row] = await tx.select().from(billingAccounts).where(eq(billingAccounts.tenantId, snapshot.tenantId)).limit(1);
  return row!;
}

export function liveSubscription(s: BillingSnapshot): SubscriptionRow | undefined {
  return s.subscription && isLive(s.subscription.status) ? s.subscription : undefined;
}

/**
 * The usage period: the live subscription's billing period (so local counters line up with Stripe's
 * invoices), otherwise the calendar month in UTC.
 */
export function currentPeriod(s: BillingSnapshot, now = new Date()): { start: Date; end: Date } {
  const sub = liveSubscription(s);
  if (sub?.currentPeriodStart && sub.currentPeriodEnd) return { start: sub.currentPeriodStart, end: sub.currentPeriodEnd };
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { start, end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)) };
}

export type Standing = {
  status: string;
  paymentStatus: "good" | "past_due" | "restricted";
  /** When limits apply (past the grace period); null when nothing is pending. */
  restrictAt: Date | null;
  restrictionReason: "payment_overdue" | "trial_ended" | "subscription_canceled" | null;
};

/**
 * Warned, then limited after the grace period, restored the moment payment succeeds: the stored
 * payment status says which invoices failed; the grace deadline is compared with the clock here, so
 * no job has to flip anything when it passes.
 */
export function standing(s: BillingSnapshot, now = new Date()): Standing {
  const sub = liveSubscription(s);
  const a = s.account;
  if (sub) {
    const hardStop = sub.status === "unpaid" || sub.status === "paused" || a.paymentStatus === "restricted";
    const pastDue = a.paymentStatus === "past_due" || sub.status === "past_due";
    const restrictAt = hardStop ? (a.pastDueSince ?? now) : pastDue ? (a.graceEndsAt ?? new Date((a.pastDueSince ?? now).getTime() + GRACE_DAYS * DAY)) : null;
    const restricted = !!restrictAt && restrictAt <= now;
    return { status: sub.status, paymentStatus: restricted ? "restricted" : pastDue ? "past_due" : "good", restrictAt, restrictionReason: restrictAt ? "payment_overdue" : null };
  }
  const trialEnds = a.trialEndsAt ?? now;
  const ended = s.subscription?.status === "canceled" ? (s.subscription.currentPeriodEnd ?? s.subscription.canceledAt ?? now) : undefined;
  if (ended) {
    // Canceling is a choice, so no grace beyond what was paid for (or what is left of the trial).
    const restrictAt = new Date(Math.max(ended.getTime(), trialEnds.getTime()));
    return { status: "canceled", paymentStatus: "good", restrictAt, restrictionReason: "subscription_canceled" };
  }
  if (trialEnds > now) return { status: "trialing", paymentStatus: "good", restrictAt: new Date(trialEnds.getTime() + GRACE_DAYS * DAY), restrictionReason: "trial_ended" };
  return { status: "trial_expired", paymentStatus: "good", restrictAt: new Date(trialEnds.getTime() + GRACE_DAYS * DAY), restrictionReason: "trial_ended" };
}

export const isRestricted = (st: Standing, now = new Date()) => !!st.restrictAt && st.restrictAt <= now;

/** Optimistic write of the account: succeeds only if nobody changed it since `version` was read. */
export async function updateAccount(tx: Tx, tenantId: string, version: number, set: Partial<typeof billingAccounts.$inferInsert>): Promise<boolean> {
  const rows = await tx
    .update(billingAccounts)
    .set({ ...set, updatedAt: sql`now()`, version: sql`${billingAccounts.version} + 1` })
    .where(and(eq(billingAccounts.tenantId, tenantId), eq(billingAccounts.version, version)))
    .returning({ v: billingAccounts.version });
  return rows.length > 0;
}
