import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { refreshQuota } from "../../../durable-objects/tenant-quota/client";
import type { Tx } from "../../db/client";
import { tenants } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { claimOnce } from "../../queues/outbox-consumer";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { ensureAccount, loadSnapshot, updateAccount } from "./account";
import { notConfigured, stripeClient, webhookCrypto } from "./stripe";
import { applyInvoice, applySubscription, markPastDue, markRestored } from "./sync";

/** Stripe's own default: a signature older than five minutes is refused, which bounds replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const idOf = (x: string | { id: string } | null | undefined) => (typeof x === "string" ? x : (x?.id ?? null));

type Effect = (tx: Tx) => Promise<string | undefined>;
/** What an event means for one workspace: whose customer it is about, and the effect to apply once. */
interface Handling {
  customerId: string | null;
  apply: Effect;
}

/** Reads what an event needs from Stripe before any transaction opens; returns where and what to apply. */
async function handlingFor(ctx: ServiceContext, stripe: Stripe, event: Stripe.Event, tenantId: string): Promise<Handling | undefined> {
  const created = event.created;
  switch (event.type) {
    case "checkout.session.completed": {
      const s = event.data.object;
      const subId = idOf(s.subscription);
      const sub = subId ? await stripe.subscriptions.retrieve(subId) : undefined;
      return {
        customerId: idOf(s.customer),
        apply: async (tx) => {
          if (sub) await applySubscription(tx, tenantId, sub, created, () => stripe.subscriptions.retrieve(sub.id));
          return "billing.checkout_completed";
        },
      };
    }
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
    case "customer.subscription.paused":
    case "customer.subscription.resumed": {
      const sub = event.data.object;
      return {
        customerId: idOf(sub.customer),
        apply: async (tx) => ((await applySubscription(tx, tenantId, sub, created, () => stripe.subscriptions.retrieve(sub.id))) ? `billing.subscription_${event.type.split(".")[2]}` : undefined),
      };
    }
    case "invoice.created":
    case "invoice.finalized":
    case "invoice.updated":
    case "invoice.voided":
    case "invoice.marked_uncollectible":
    case "invoice.paid":
    case "invoice.payment_succeeded":
    case "invoice.payment_failed": {
      const inv = event.data.object;
      return {
        customerId: idOf(inv.customer),
        apply: async (tx) => {
          const changed = await applyInvoice(tx, tenantId, inv, created);
          const account = await ensureAccount(tx, await loadSnapshot(tx, tenantId));
          if (event.type === "invoice.payment_failed" && changed && inv.amount_due > 0) await markPastDue(tx, account, created);
          if (event.type === "invoice.paid" || event.type === "invoice.payment_succeeded") await markRestored(tx, account, created);
          return changed ? `billing.${event.type.replace("invoice.", "invoice_")}` : undefined;
        },
      };
    }
    default:
      ctx.log.info("stripe event type not used", { type: event.type });
      return undefined;
  }
}

/**
 * The workspace an event is about. Parley puts `tenant_id` on everything it creates in Stripe (customer,
 * subscription, checkout session); invoices carry the subscription's metadata, and when they do not,
 * the customer is read back from Stripe.
 */
async function tenantOf(stripe: Stripe, event: Stripe.Event): Promise<string | undefined> {
  const obj = event.data.object as unknown as Record<string, any>;
  let tenantId: string | undefined =
    obj.client_reference_id ?? obj.metadata?.tenant_id ?? obj.parent?.subscription_details?.metadata?.tenant_id ?? undefined;
  const customer = idOf(obj.customer);
  if (!tenantId && customer) {
    const c = await stripe.customers.retrieve(customer);
    tenantId = "deleted" in c && c.deleted ? undefined : c.metadata?.tenant_id;
  }
  return tenantId && UUID.test(tenantId) ? tenantId : undefined;
}

/**
 * POST /hooks/stripe. Verifies the signature with the SDK (SubtleCrypto, 300 s tolerance), then applies
 * the event once: its id is claimed in processed_events in the same transaction as the effect, so a
 * replay, or the same event delivered twice at once, finds the claim and changes nothing.
 */
export async function handleStripeWebhook({ ctx, input }: { ctx: ServiceContext; input: { payload: string; signature?: string } }) {
  const secret = ctx.config.STRIPE_WEBHOOK_SECRET;
  if (!secret || !ctx.config.STRIPE_SECRET_KEY) throw notConfigured();
  if (!input.signature) throw new AppError("BAD_REQUEST", "Missing Stripe-Signature header");
  let event: Stripe.Event;
  try {
    event = await Stripe.webhooks.constructEventAsync(input.payload, input.signature, secret, SIGNATURE_TOLERANCE_SECONDS, webhookCrypto);
  } catch {
    throw new AppError("BAD_REQUEST", "Invalid or expired Stripe-Signature");
  }
  const stripe = stripeClient(ctx.config);
  const tenantId = await tenantOf(stripe, event);
  if (!tenantId) return { received: true as const, ignored: "not about a Parley workspace" };
  const handling = await handlingFor(ctx, stripe, event, tenantId);
  if (!handling) return { received: true as const, ignored: "event type not used" };

  const outcome = await ctx.db.scoped({ tenantId }, async (tx) => {
    const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
    if (!tenant) return "unknown";
    const account = await ensureAccount(tx, await loadSnapshot(tx, tenantId));
    // Metadata could be edited in the Dashboard; a workspace only follows its own customer.
    if (account.stripeCustomerId && handling.customerId && account.stripeCustomerId !== handling.customerId) return "foreign";
    if (!(await claimOnce(tx, tenantId, "stripe", event.id))) return "duplicate";
    if (!account.stripeCustomerId && handling.customerId) await updateAccount(tx, tenantId, account.version, { stripeCustomerId: handling.customerId });
    const action = await handling.apply(tx);
    if (action) await recordAudit(tx, ctx, { tenantId, actorType: "stripe", actorId: event.id, action: action as `${string}.${string}`, entityType: "billing_account", entityId: tenantId, data: { type: event.type } });
    return "applied";
  });
  if (outcome === "applied") await refreshQuota(ctx.env, tenantId);
  else ctx.log.info("stripe event not applied", { event_id: event.id, type: event.type, outcome });
  return { received: true as const, ...(outcome !== "applied" && { ignored: outcome }) };
}
