import { eq } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { users } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { PLANS, type PaidPlanId, type Plan } from "../../../tenants/plans";
import { actorRef, withTenant, type Principal, type TenantInfo } from "../access";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { ensureAccount, liveSubscription, loadSnapshot, updateAccount, type BillingSnapshot, type SubscriptionRow } from "./account";
import { notConfigured, pricesByLookupKey, stripeClient, stripeUnavailable, type Stripe } from "./stripe";

async function actorEmail(tx: Tx, p: Principal): Promise<string | undefined> {
  if (p.type !== "user") return undefined;
  const [u] = await tx.select({ email: users.email }).from(users).where(eq(users.id, p.userId)).limit(1);
  return u?.email;
}

/** Reads what a Stripe flow needs and checks the caller may manage billing (owner or billing admin). */
export async function billingContext(ctx: ServiceContext) {
  if (!ctx.config.STRIPE_SECRET_KEY || !ctx.config.STRIPE_WEBHOOK_SECRET) throw notConfigured();
  return withTenant(ctx, "billing:manage", async (tx, p) => ({ snap: await loadSnapshot(tx, p.tenant.id), tenant: p.tenant, email: await actorEmail(tx, p), principal: p }));
}

/**
 * The workspace's Stripe customer, created on first need with the tenant id in its metadata (how
 * webhooks about it find their way back). The idempotency key makes a retried or doubled request
 * return the same customer; the optimistic write keeps the first one stored if two raced anyway.
 */
export async function ensureCustomer(ctx: ServiceContext, stripe: Stripe, b: { snap: BillingSnapshot; tenant: TenantInfo; email?: string; principal: Principal }): Promise<string> {
  if (b.snap.account.stripeCustomerId) return b.snap.account.stripeCustomerId;
  const customer = await stripe.customers.create(
    { name: b.tenant.name, ...(b.email && { email: b.email }), metadata: { tenant_id: b.tenant.id, tenant_slug: b.tenant.slug } },
    { idempotencyKey: `parley-customer-${b.tenant.id}-${actorRef(b.principal).actorId}` },
  );
  return withTenant(ctx, "billing:manage", async (tx) => {
    const account = await ensureAccount(tx, await loadSnapshot(tx, b.tenant.id));
    if (account.stripeCustomerId) return account.stripeCustomerId;
    const saved = await updateAccount(tx, b.tenant.id, account.version, { stripeCustomerId: customer.id, billingEmail: b.email ?? null });
    if (!saved) throw new AppError("VERSION_CONFLICT", "Billing changed while this was being set up; try again");
    return customer.id;
  });
}

const lookupKeys = (plan: Plan) => [plan.priceLookupKey!, ...Object.values(plan.unitPrices).map((u) => u.lookupKey)];
const isMetered = (price: Stripe.Price) => price.recurring?.usage_type === "metered";

/**
 * Moves a live subscription to another plan in place (flat and metered items swapped, prorated on the
 * next invoice). The customer portal cannot edit multi-item subscriptions, so this is done here; the
 * webhook that follows brings the local row in step.
 */
async function changePlan(stripe: Stripe, sub: SubscriptionRow, plan: Plan, prices: Map<string, Stripe.Price>): Promise<void> {
  const current = await stripe.subscriptions.retrieve(sub.stripeSubscriptionId);
  const wanted = [...prices.values()];
  const items: Stripe.SubscriptionUpdateParams.Item[] = [];
  for (const item of current.items.data) {
    const replacement = wanted.find((p) => isMetered(p) === isMetered(item.price));
    items.push(replacement ? { id: item.id, price: replacement.id, ...(!isMetered(replacement) && { quantity: 1 }) } : { id: item.id, deleted: true });
    if (replacement) wanted.splice(wanted.indexOf(replacement), 1);
  }
  for (const p of wanted) items.push(isMetered(p) ? { price: p.id } : { price: p.id, quantity: 1 });
  await stripe.subscriptions.update(sub.stripeSubscriptionId, { items, metadata: { plan: plan.id }, proration_behavior: "create_prorations" });
}

/**
 * Subscribe (Stripe Checkout) or change plan. Returns where to send the browser: Checkout for a new
 * subscription, back to the billing page after an in-place change.
 */
export async function startCheckout({ ctx, input }: { ctx: ServiceContext; input: { plan: PaidPlanId; returnUrl: string } }): Promise<{ url: string }> {
  const plan = PLANS[input.plan] as Plan;
  const b = await billingContext(ctx);
  const sub = liveSubscription(b.snap);
  if (sub?.plan === plan.id) throw new AppError("CONFLICT", `This workspace is already on the ${plan.name} plan`, { field: "plan" });
  const stripe = stripeClient(ctx.config);
  let url: string;
  try {
    const customer = await ensureCustomer(ctx, stripe, b);
    const prices = await pricesByLookupKey(stripe, lookupKeys(plan));
    if (sub) {
      await changePlan(stripe, sub, plan, prices);
      url = `${input.returnUrl}?plan_changed=${plan.id}`;
    } else {
      const session = await stripe.checkout.sessions.create({
        mode: "subscription",
        customer,
        client_reference_id: b.tenant.id,
        line_items: [...prices.values()].map((p) => (isMetered(p) ? { price: p.id } : { price: p.id, quantity: 1 })),
        // The tenant id rides on the subscription, so every later event about it names its workspace.
        subscription_data: { metadata: { tenant_id: b.tenant.id, plan: plan.id } },
        metadata: { tenant_id: b.tenant.id, plan: plan.id },
        success_url: `${input.returnUrl}?checkout=success`,
        cancel_url: `${input.returnUrl}?checkout=canceled`,
      });
      if (!session.url) throw new AppError("UNAVAILABLE", "Stripe returned a Checkout session without a URL");
      url = session.url;
    }
  } catch (err) {
    ctx.log.warn("stripe checkout failed", { error: err instanceof Error ? err.message : String(err) });
    throw stripeUnavailable(err);
  }
  await withTenant(ctx, "billing:manage", (tx, p) =>
    recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: sub ? "billing.plan_change_requested" : "billing.checkout_started", entityType: "billing_account", entityId: p.tenant.id, data: { plan: plan.id } }),
  );
  return { url };
}
