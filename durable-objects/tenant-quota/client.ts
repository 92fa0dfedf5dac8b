import type { Env } from "../../src/env";
import { AppError } from "../../src/lib/errors";
import { createLogger } from "../../src/lib/log";
import type { QuotaDecision } from "../../src/services/billing/quota-policy";
import type { Meter } from "../../tenants/plans";
import type { LiveSocketEntry, LiveSocketMatch } from "./live-registry";

export type { QuotaDecision };

const stub = (env: Env, tenantId: string) => env.TENANT_QUOTA.get(env.TENANT_QUOTA.idFromName(tenantId));
const log = createLogger({ component: "tenant-quota" });

/** Billing must never take messaging down: if the quota object cannot answer, the message goes through. */
function failOpen(tenantId: string, err: unknown): QuotaDecision {
  log.error("quota check failed; allowing", { tenant_id: tenantId, error: err instanceof Error ? err.message : String(err) });
  return { allowed: true, reason: null, warning: null, used: 0, limit: null };
}

/**
 * Call once per message before accepting it (inbound, from a channel webhook) or sending it (outbound).
 * Counts the units when allowed; no database round trip (one Durable Object call per workspace).
 * - `allowed: false, reason: "limit_reached"`: the plan's messages for this period are used up (both directions).
 * - `allowed: false, reason: "payment_required"`: outbound only, once unpaid past the grace period (or the
 *   trial / a canceled subscription ran out); inbound keeps flowing so no customer message is lost.
 * - `warning`: a sentence to surface (grace running out, 80% of the limit used), also when allowed.
 * Postgres usage counters stay the billing record; this is the edge's fast, slightly-ahead view.
 *
 * @example
 *   const q = await checkMessageQuota(env, tenantId, { direction: "outbound" });
 *   if (!q.allowed) throw quotaError(q);
 */
export async function checkMessageQuota(env: Env, tenantId: string, opts: { direction: "inbound" | "outbound"; units?: number }): Promise<QuotaDecision> {
  return consumeQuota(env, tenantId, "messages", opts.units ?? 1, opts.direction);
}

export async function consumeQuota(env: Env, tenantId: string, meter: Meter, units: number, direction: "inbound" | "outbound"): Promise<QuotaDecision> {
  try {
    return await stub(env, tenantId).consume(tenantId, meter, units, direction);
  } catch (err) {
    return failOpen(tenantId, err);
  }
}

/** The AppError (402 PAYMENT_REQUIRED) for a refused decision, with a message written for users. */
export function quotaError(decision: QuotaDecision): AppError {
  return new AppError("PAYMENT_REQUIRED", decision.warning ?? "Billing does not allow this; see the billing page");
}

/**
 * For actions that consume no units but are limited when billing is overdue: creating a channel,
 * sending (when the send was already counted). Throws 402 PAYMENT_REQUIRED when restricted.
 */
export async function assertBillingAllows(env: Env, tenantId: string): Promise<void> {
  let decision: QuotaDecision;
  try {
    decision = await stub(env, tenantId).check(tenantId, "outbound");
  } catch (err) {
    decision = failOpen(tenantId, err);
  }
  // Only the standing matters here; a used-up message limit does not stop creating a channel.
  if (!decision.allowed && decision.reason === "payment_required") throw quotaError(decision);
}

/** After a billing change commits (webhook, checkout): the edge re-reads plan and standing now, not in minutes. */
export async function refreshQuota(env: Env, tenantId: string): Promise<void> {
  try {
    await stub(env, tenantId).refresh(tenantId);
  } catch (err) {
    log.warn("quota refresh failed; it catches up within minutes", { tenant_id: tenantId, error: err instanceof Error ? err.message : String(err) });
  }
}

/** Records an open live agent socket, so that `endLiveSockets` can find it. */
export async function registerLiveSocket(env: Env, tenantId: string, entry: LiveSocketEntry): Promise<void> {
  await stub(env, tenantId).registerLiveSocket(entry);
}

/**
 * Closes a session's or a user's live sockets now (logout, removal, role change). Call after the change
 * has committed. Best effort: if it fails, each socket still stops receiving when its credential expires.
 */
export async function endLiveSockets(env: Env, tenantId: string, match: LiveSocketMatch, reason: string): Promise<void> {
  try {
    await stub(env, tenantId).endLiveSockets(tenantId, match, reason);
  } catch (err) {
    log.warn("closing live sockets failed; they expire on their own", { tenant_id: tenantId, reason, error: err instanceof Error ? err.message : String(err) });
  }
}
