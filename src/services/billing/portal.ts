import { actorRef, withTenant } from "../access";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { billingContext, ensureCustomer } from "./checkout";
import { stripeClient, stripeUnavailable } from "./stripe";

/**
 * A Stripe customer portal session: payment methods, invoices, cancellation. Works before the first
 * subscription too (the customer is created on demand), so a card can be added ahead of time.
 */
export async function openPortal({ ctx, input }: { ctx: ServiceContext; input: { returnUrl: string } }): Promise<{ url: string }> {
  const b = await billingContext(ctx);
  const stripe = stripeClient(ctx.config);
  let url: string;
  try {
    const customer = await ensureCustomer(ctx, stripe, b);
    url = (await stripe.billingPortal.sessions.create({ customer, return_url: input.returnUrl })).url;
  } catch (err) {
    ctx.log.warn("stripe portal failed", { error: err instanceof Error ? err.message : String(err) });
    throw stripeUnavailable(err);
  }
  await withTenant(ctx, "billing:manage", (tx, p) =>
    recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "billing.portal_opened", entityType: "billing_account", entityId: p.tenant.id }),
  );
  return { url };
}
