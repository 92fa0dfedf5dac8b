import { and, eq, gte, lt, sql } from "drizzle-orm";
import { Database } from "../../db/client";
import { messages } from "../../db/schema";
import { loadConfig, type Env } from "../../env";
import { GRACE_DAYS, METERS, WARN_AT, type Meter } from "../../../tenants/plans";
import { currentPeriod, loadSnapshot, standing } from "./account";
import { usageFor } from "./usage";

/** What the TenantQuota Durable Object decides from: read from Postgres once, then held at the edge. */
export interface QuotaPolicy {
  plan: string;
  limits: Record<Meter, number | null>;
  periodStart: string;
  periodEnd: string;
  /** From this instant outbound sends and new channels are refused; null when nothing is pending. */
  restrictAt: string | null;
  restrictionReason: string | null;
  /**
   * Counted units of the period so far, as Postgres knows them (the edge may be ahead). For `messages`
   * this is the messages the workspace *sent*: the plan's message limit is checked on outbound only.
   */
  used: Record<Meter, number>;
}

export interface QuotaDecision {
  allowed: boolean;
  /** Why not: unpaid (or trial over) past the grace period, or the plan's limit for the period reached. */
  reason: "payment_required" | "limit_reached" | null;
  /** Something to show the workspace even when allowed (grace running out, limit nearly reached). */
  warning: string | null;
  used: number;
  limit: number | null;
}

export async function loadQuotaPolicy(env: Env, tenantId: string): Promise<QuotaPolicy> {
  const db = new Database(loadConfig(env));
  try {
    return await db.scoped({ tenantId }, async (tx) => {
      const snap = await loadSnapshot(tx, tenantId);
      const period = currentPeriod(snap);
      const st = standing(snap);
      const { usage } = await usageFor(tx, tenantId, period.start);
      // Strangers can write in for free (an anonymous web chat needs no account), so what they send
      // must never use up what the workspace's agents may send: only outbound messages count here.
      const [sent] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(messages)
        .where(and(eq(messages.direction, "outbound"), gte(messages.createdAt, period.start), lt(messages.createdAt, period.end)));
      usage.messages = sent?.n ?? 0;
      const limits = Object.fromEntries(METERS.map((m) => [m, snap.plan.limits[m]])) as Record<Meter, number | null>;
      return {
        plan: snap.plan.id,
        limits,
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
        restrictAt: st.restrictAt?.toISOString() ?? null,
        restrictionReason: st.restrictionReason,
        used: usage,
      };
    });
  } finally {
    await db.close();
  }
}

const DAY = 24 * 60 * 60 * 1000;

const REASONS: Record<string, string> = {
  payment_overdue: "a payment is overdue",
  trial_ended: "the free trial has ended",
  subscription_canceled: "the subscription was canceled",
};

/**
 * The pure decision: restricted workspaces may still receive (customers are never cut off for the
 * business's unpaid invoice) but not send. The `messages` limit is a limit on what the workspace sends:
 * inbound messages are never refused and never counted against it, so anonymous traffic (a web chat
 * anyone can write to) can neither cut customers off nor leave agents unable to reply. Other meters
 * (AI calls, knowledge queries) are the workspace's own spending and refuse in either direction.
 */
export function decide(policy: QuotaPolicy, used: number, meter: Meter, units: number, direction: "inbound" | "outbound", now = Date.now()): QuotaDecision {
  if (meter === "messages" && direction === "inbound") return { allowed: true, reason: null, warning: null, used, limit: policy.limits[meter] };
  const limit = policy.limits[meter];
  const restrictAt = policy.restrictAt ? Date.parse(policy.restrictAt) : null;
  const why = REASONS[policy.restrictionReason ?? ""] ?? "billing needs attention";
  if (restrictAt !== null && restrictAt <= now && direction === "outbound") {
    return { allowed: false, reason: "payment_required", warning: `Sending is paused because ${why}.`, used, limit };
  }
  if (limit !== null && used + units > limit) {
    return { allowed: false, reason: "limit_reached", warning: `This period's limit of ${limit} ${meter.replace("_", " ")} is reached.`, used, limit };
  }
  let warning: string | null = null;
  if (restrictAt !== null && restrictAt <= now) warning = `Sending is paused because ${why}.`;
  else if (restrictAt !== null && restrictAt - now <= GRACE_DAYS * DAY) warning = `Sending will pause on ${policy.restrictAt!.slice(0, 10)} because ${why}.`;
  else if (limit !== null && used + units >= limit * WARN_AT) warning = `${used + units} of this period's ${limit} ${meter.replace("_", " ")} used.`;
  return { allowed: true, reason: null, warning, used: used + units, limit };
}
