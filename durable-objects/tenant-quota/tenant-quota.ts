import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../src/env";
import { decide, loadQuotaPolicy, type QuotaDecision, type QuotaPolicy } from "../../src/services/billing/quota-policy";
import { METERS, type Meter } from "../../tenants/plans";
import { endMatching, registerEntry, type LiveSocketEntry, type LiveSocketMatch } from "./live-registry";

interface QuotaState {
  tenantId: string;
  policy: QuotaPolicy;
  loadedAt: number;
  /** Units let through at the edge this period (for messages: sent ones); never below what Postgres has counted. */
  used: Record<Meter, number>;
}

/** How stale the plan, period and payment standing may get when no webhook pushed a change. */
const REFRESH_MS = 5 * 60 * 1000;

/**
 * One per workspace: the single writer for its per-period message count, so every message can be
 * checked against the plan without a database round trip. The policy comes from Postgres once, then
 * again every few minutes, when the period ends, or when a Stripe webhook changes billing (`refresh`).
 */
export class TenantQuota extends DurableObject<Env> {
  private state?: QuotaState;
  private loading?: Promise<QuotaState>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.state = await ctx.storage.get<QuotaState>("state");
    });
  }

  /** Counts `units` against the period's limit if allowed; a refused attempt counts nothing. */
  async consume(tenantId: string, meter: Meter, units: number, direction: "inbound" | "outbound"): Promise<QuotaDecision> {
    await this.current(tenantId);
    // The latest state, not the one this call awaited: a reload may have replaced it meanwhile.
    const state = this.state!;
    const decision = decide(state.policy, state.used[meter], meter, units, direction);
    // Inbound messages are not what the message limit counts (see decide): let them through uncounted.
    const counts = !(meter === "messages" && direction === "inbound");
    if (decision.allowed && units > 0 && counts) {
      state.used[meter] += units;
      await this.ctx.storage.put("state", state);
    }
    return decision;
  }

  /** The standing for an action that uses no units (creating a channel, an outbound send already counted). */
  async check(tenantId: string, direction: "inbound" | "outbound" = "outbound"): Promise<QuotaDecision> {
    const state = await this.current(tenantId);
    return decide(state.policy, state.used.messages, "messages", 0, direction);
  }

  /** Notes that a live agent socket of this session is open in a thread object (see live-registry.ts). */
  async registerLiveSocket(entry: LiveSocketEntry): Promise<void> {
    await registerEntry(this.ctx.storage, entry);
  }

  /** Closes the live agent sockets of a session or a user, wherever they are open. */
  async endLiveSockets(tenantId: string, match: LiveSocketMatch, reason: string): Promise<number> {
    return endMatching(this.env, tenantId, this.ctx.storage, match, reason);
  }

  /** Re-reads plan, period and standing now: called after a webhook changed any of them. */
  async refresh(tenantId: string): Promise<QuotaPolicy> {
    return (await this.current(tenantId, true)).policy;
  }

  private async current(tenantId: string, force = false): Promise<QuotaState> {
    const s = this.state;
    const now = Date.now();
    const fresh = s && s.tenantId === tenantId && now - s.loadedAt < REFRESH_MS && now < Date.parse(s.policy.periodEnd);
    if (fresh && !force) return s;
    // One load at a time: calls arriving while Postgres answers wait for the same result.
    this.loading ??= this.load(tenantId).finally(() => (this.loading = undefined));
    try {
      return await this.loading;
    } catch (err) {
      // Postgres unreachable: keep deciding on the last known policy rather than stopping every message.
      if (s && s.tenantId === tenantId) return s;
      throw err;
    }
  }

  private async load(tenantId: string): Promise<QuotaState> {
    const policy = await loadQuotaPolicy(this.env, tenantId);
    const prev = this.state;
    const samePeriod = prev?.tenantId === tenantId && prev.policy.periodStart === policy.periodStart;
    // Postgres lags the edge by the queue's delay, the edge forgets nothing within a period: take the larger.
    const used = Object.fromEntries(METERS.map((m) => [m, Math.max(policy.used[m], samePeriod ? prev.used[m] : 0)])) as Record<Meter, number>;
    const next: QuotaState = { tenantId, policy, loadedAt: Date.now(), used };
    this.state = next;
    await this.ctx.storage.put("state", next);
    return next;
  }
}
