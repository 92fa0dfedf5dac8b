import { z } from "@hono/zod-openapi";
import { PAID_PLAN_IDS } from "../../../tenants/plans";

const nullableLimit = z.number().int().nullable().openapi({ description: "null means unlimited" });
const meterCounts = z.object({ messages: z.number().int(), ai_calls: z.number().int(), knowledge_queries: z.number().int() });

export const LimitsSchema = z
  .object({ channels: nullableLimit, seats: nullableLimit, messages: nullableLimit, ai_calls: nullableLimit, knowledge_queries: nullableLimit })
  .openapi("PlanLimits");

export const InvoiceSchema = z
  .object({
    id: z.string().openapi({ description: "Stripe invoice id (in_...)" }),
    status: z.string(),
    currency: z.string(),
    amount_due: z.number().int().openapi({ description: "Smallest currency unit (cents)" }),
    amount_paid: z.number().int(),
    hosted_invoice_url: z.string().nullable(),
    invoice_pdf: z.string().nullable(),
    period_start: z.string().nullable(),
    period_end: z.string().nullable(),
    paid_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Invoice");

export const PlanSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    summary: z.string(),
    currency: z.string(),
    monthly_amount: z.number().int(),
    unit_prices: z.record(z.string(), z.string()).openapi({ description: "Per-unit price by meter, smallest currency unit as a decimal string" }),
    limits: LimitsSchema,
    purchasable: z.boolean(),
  })
  .openapi("Plan");

export const BillingSchema = z
  .object({
    plan: z.string().openapi({ example: "trial" }),
    plan_name: z.string(),
    status: z.string().openapi({ description: "trialing, active, past_due, unpaid, paused, canceled or trial_expired" }),
    payment_status: z.enum(["good", "past_due", "restricted"]),
    restricted: z.boolean().openapi({ description: "Outbound messages and new channels are refused (402) while true" }),
    restrict_at: z.string().nullable().openapi({ description: "When limits apply if nothing changes (end of grace, trial or paid period)" }),
    period: z.object({ start: z.string(), end: z.string() }),
    usage: meterCounts.openapi({ description: "Units counted this period" }),
    reported: meterCounts.openapi({ description: "Units Stripe has accepted this period (billed periods only)" }),
    limits: LimitsSchema,
    warnings: z.array(z.string()),
    trial_ends_at: z.string().nullable(),
    cancel_at_period_end: z.boolean(),
    stripe_customer_id: z.string().nullable(),
    stripe_configured: z.boolean(),
    ai_budget: z
      .object({
        month: z.string(),
        monthly_limit_cents: z.number().nullable(),
        spent_cents: z.number(),
        calls: z.number().int(),
        exhausted_at: z.string().nullable(),
      })
      .openapi({ description: "This month's AI provider spend against the workspace's budget; once exhausted, messages are understood by the built-in annotator" }),
    invoices: z.array(InvoiceSchema),
    plans: z.array(PlanSchema),
  })
  .openapi("Billing");
export type Billing = z.infer<typeof BillingSchema>;

export const CheckoutInputSchema = z.object({ plan: z.enum(PAID_PLAN_IDS).openapi({ description: "A paid plan from the catalog" }) }).openapi("CheckoutInput");
export const RedirectSchema = z.object({ url: z.string().url().openapi({ description: "Send the browser here (Stripe-hosted page)" }) }).openapi("BillingRedirect");
