import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";

/** One per tenant: the Stripe customer and the payment standing that drives warnings and limits. */
export const billingAccounts = pgTable(
  "billing_accounts",
  {
    tenantId: uuid("tenant_id").primaryKey().references(() => tenants.id, { onDelete: "cascade" }),
    stripeCustomerId: text("stripe_customer_id"),
    billingEmail: text("billing_email"),
    plan: text("plan").notNull().default("trial"),
    /** good | past_due (warned) | restricted (limited after the grace period). */
    paymentStatus: text("payment_status", { enum: ["good", "past_due", "restricted"] }).notNull().default("good"),
    pastDueSince: timestamp("past_due_since", { withTimezone: true }),
    graceEndsAt: timestamp("grace_ends_at", { withTimezone: true }),
    trialEndsAt: timestamp("trial_ends_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (t) => [uniqueIndex("billing_accounts_customer_key").on(t.stripeCustomerId)],
);

export const subscriptions = pgTable(
  "subscriptions",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    stripeSubscriptionId: text("stripe_subscription_id").notNull(),
    stripePriceId: text("stripe_price_id"),
    plan: text("plan").notNull(),
    status: text("status").notNull(),
    currentPeriodStart: timestamp("current_period_start", { withTimezone: true }),
    currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    canceledAt: timestamp("canceled_at", { withTimezone: true }),
    /** Stripe `created` of the newest event applied: older events can never move the row backwards. */
    stripeEventCreated: bigint("stripe_event_created", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (t) => [uniqueIndex("subscriptions_stripe_key").on(t.stripeSubscriptionId), index("subscriptions_tenant_idx").on(t.tenantId)],
);

export const invoices = pgTable(
  "invoices",
  {
    id: uuid("id").primaryKey(),
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    stripeInvoiceId: text("stripe_invoice_id").notNull(),
    stripeSubscriptionId: text("stripe_subscription_id"),
    status: text("status").notNull(),
    currency: text("currency").notNull(),
    amountDue: bigint("amount_due", { mode: "number" }).notNull().default(0),
    amountPaid: bigint("amount_paid", { mode: "number" }).notNull().default(0),
    hostedInvoiceUrl: text("hosted_invoice_url"),
    invoicePdf: text("invoice_pdf"),
    periodStart: timestamp("period_start", { withTimezone: true }),
    periodEnd: timestamp("period_end", { withTimezone: true }),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    stripeEventCreated: bigint("stripe_event_created", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("invoices_stripe_key").on(t.stripeInvoiceId), index("invoices_tenant_idx").on(t.tenantId, t.createdAt)],
);

/**
 * Exact local usage per meter and billing period; `reported` counts what Stripe has acknowledged,
 * so `quantity - reported` is always what is still owed to Stripe (reconcilable).
 */
export const usageCounters = pgTable(
  "usage_counters",
  {
    tenantId: uuid("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    meter: text("meter").notNull(),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    quantity: bigint("quantity", { mode: "number" }).notNull().default(0),
    reported: bigint("reported", { mode: "number" }).notNull().default(0),
    lastReportedAt: timestamp("last_reported_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.meter, t.periodStart] })],
);

