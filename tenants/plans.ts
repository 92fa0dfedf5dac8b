/**
 * The plan catalog: what each plan costs, what it includes, and which Stripe prices stand for it.
 * Prices are found in Stripe by lookup key (never by id), so the same catalog works in test and live
 * mode and a price can be replaced in the Dashboard by moving its lookup key ("transfer lookup key").
 */
export const METERS = ["messages", "ai_calls", "knowledge_queries"] as const;
export type Meter = (typeof METERS)[number];

export const LIMIT_KEYS = ["channels", "seats", ...METERS] as const;
export type LimitKey = (typeof LIMIT_KEYS)[number];
/** Per billing period for meters, concurrent for channels and seats; null means unlimited. */
export type Limits = Record<LimitKey, number | null>;

export interface UnitPrice {
  /** Lookup key of a metered Stripe price attached to the meter below. */
  lookupKey: string;
  /** In the smallest currency unit; a decimal string because Stripe allows fractions of a cent. */
  unitAmountDecimal: string;
}

export interface Plan {
  id: string;
  name: string;
  summary: string;
  currency: "usd";
  /** Flat monthly fee in cents; 0 for the trial. */
  monthlyAmount: number;
  /** Lookup key of the flat recurring price; null for plans that are not sold (the trial). */
  priceLookupKey: string | null;
  unitPrices: Partial<Record<Meter, UnitPrice>>;
  limits: Limits;
}

/** Each meter's Stripe Billing Meter `event_name`; the meter sums `value` per `stripe_customer_id`. */
export const METER_EVENT_NAMES: Record<Meter, string> = {
  messages: "parley_messages",
  ai_calls: "parley_ai_calls",
  knowledge_queries: "parley_knowledge_queries",
};

/** A new workspace's trial length, and how long an unpaid (or expired-trial) workspace is warned before it is limited. */
export const TRIAL_DAYS = 14;
export const GRACE_DAYS = 7;
/** Share of a limit at which the billing page and the quota check start warning. */
export const WARN_AT = 0.8;

export const PLANS = {
  trial: {
    id: "trial",
    name: "Free trial",
    summary: `${TRIAL_DAYS} days to try Parley on a couple of channels`,
    currency: "usd",
    monthlyAmount: 0,
    priceLookupKey: null,
    unitPrices: {},
    limits: { channels: 2, seats: 5, messages: 1_000, ai_calls: 200, knowledge_queries: 500 },
  },
  starter: {
    id: "starter",
    name: "Starter",
    summary: "For a small team answering on a few channels",
    currency: "usd",
    monthlyAmount: 2_900,
    priceLookupKey: "parley_starter_monthly",
    unitPrices: { messages: { lookupKey: "parley_starter_messages", unitAmountDecimal: "0.5" } },
    limits: { channels: 3, seats: 5, messages: 10_000, ai_calls: 2_000, knowledge_queries: 5_000 },
  },
  growth: {
    id: "growth",
    name: "Growth",
    summary: "More channels, seats and automation",
    currency: "usd",
    monthlyAmount: 9_900,
    priceLookupKey: "parley_growth_monthly",
    unitPrices: { messages: { lookupKey: "parley_growth_messages", unitAmountDecimal: "0.3" } },
    limits: { channels: 10, seats: 20, messages: 100_000, ai_calls: 20_000, knowledge_queries: 50_000 },
  },
  scale: {
    id: "scale",
    name: "Scale",
    summary: "High volume, unlimited channels and seats",
    currency: "usd",
    monthlyAmount: 39_900,
    priceLookupKey: "parley_scale_monthly",
    unitPrices: { messages: { lookupKey: "parley_scale_messages", unitAmountDecimal: "0.2" } },
    limits: { channels: null, seats: null, messages: 1_000_000, ai_calls: 200_000, knowledge_queries: 500_000 },
  },
} as const satisfies Record<string, Plan>;

export type PlanId = keyof typeof PLANS;
export const PAID_PLAN_IDS = ["starter", "growth", "scale"] as const satisfies readonly PlanId[];
export type PaidPlanId = (typeof PAID_PLAN_IDS)[number];

export function planById(id: string | null | undefined): Plan {
  return (id && id in PLANS ? PLANS[id as PlanId] : PLANS.trial) as Plan;
}

/** The plan whose flat price carries this lookup key (how a Stripe subscription is mapped back to a plan). */
export function planByLookupKey(lookupKey: string | null | undefined): Plan | undefined {
  return lookupKey ? (Object.values(PLANS) as Plan[]).find((p) => p.priceLookupKey === lookupKey) : undefined;
}

/** Every Stripe price the catalog needs, for the README's setup list and for seeding the local Stripe double. */
export function catalogPrices(): Array<{ lookupKey: string; plan: string; kind: "flat" | "metered"; meter?: Meter; unitAmountDecimal: string; currency: string }> {
  const out: ReturnType<typeof catalogPrices> = [];
  for (const plan of Object.values(PLANS) as Plan[]) {
    if (plan.priceLookupKey) out.push({ lookupKey: plan.priceLookupKey, plan: plan.id, kind: "flat", unitAmountDecimal: String(plan.monthlyAmount), currency: plan.currency });
    for (const [meter, unit] of Object.entries(plan.unitPrices) as Array<[Meter, UnitPrice]>) {
      out.push({ lookupKey: unit.lookupKey, plan: plan.id, kind: "metered", meter, unitAmountDecimal: unit.unitAmountDecimal, currency: plan.currency });
    }
  }
  return out;
}
