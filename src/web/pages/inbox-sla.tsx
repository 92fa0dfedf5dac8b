import { readTenant } from "../../services/access-read";
import type { SlaTargets } from "../../db/schema";
import type { ServiceContext } from "../../services/context";
import { slaTargetsOf, slaViewReads, slaViewsOf } from "../../services/sla/clocks";
import type { ConversationSla } from "../../services/sla/model";
import { businessMsBetween, openIntervals } from "../../sla/business-hours";
import { SLA_JS } from "../assets/sla-script";
import { fingerprint } from "../assets/serve";

/**
 * The inbox's SLA badge: the most urgent running clock of a conversation, counting down in business
 * time. The server renders the remaining time and the business intervals ahead (so the page is right
 * without script); /assets/sla.js ticks it every second, counting only inside those intervals, so the
 * countdown stands still overnight and on holidays exactly as the deadline does.
 */

export interface SlaBadgeData {
  metric: "first_response" | "next_response" | "resolution" | null;
  dueAt: number | null;
  warnLeftMs: number;
  leftMs: number | null;
  intervals: Array<readonly [number, number]>;
  paused: boolean;
  breached: string[];
  /** The first badge of a page brings the stylesheet and the script. */
  first?: boolean;
}

const LABEL: Record<string, string> = { first_response: "First reply", next_response: "Next reply", resolution: "Resolve" };
/** How far ahead the badge carries business intervals; past it the script shows the server's figure. */
const HORIZON_MS = 14 * 86_400_000;

const CSS = `
.sla-badge{display:inline-block;margin-left:.35rem;padding:.05rem .45rem;border-radius:999px;font-size:.8rem;font-variant-numeric:tabular-nums;background:#e9f6ee;color:#17653a;white-space:nowrap}
.sla-badge.sla-warn{background:#fff4e5;color:#8a4b00}
.sla-badge.sla-breached{background:#fde8e6;color:#a0271b;font-weight:600}
.sla-badge.sla-paused{background:#eef0f5;color:#4a5368}
`;

export function formatLeft(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** Adds `slaBadge` to each row: one read for the page (used by the inbox thread page). */
export async function withSlaBadges<T extends { id: string }>(ctx: ServiceContext, rows: T[], now = Date.now()): Promise<Array<T & { slaBadge?: SlaBadgeData }>> {
  if (rows.length === 0) return rows;
  const ids = rows.map((r) => r.id);
  const { results } = await readTenant(ctx, "conversations:read", (db) => slaViewReads(db, ids));
  return attachSlaBadges(rows, slaViewsOf(results, now), slaTargetsOf(results), now);
}

/** Adds `slaBadge` to each row from the page's SLA views and calendars (read in the page's batch). */
export function attachSlaBadges<T extends { id: string }>(rows: T[], views: Map<string, ConversationSla>, targets: Map<string, SlaTargets>, now = Date.now()): Array<T & { slaBadge?: SlaBadgeData }> {
  let first = true;
  return rows.map((r) => {
    const view = views.get(r.id);
    const t = targets.get(r.id);
    if (!view || !t) return r;
    const badge = badgeOf(view, t, now);
    if (first) badge.first = true;
    first = false;
    return { ...r, slaBadge: badge };
  });
}

function badgeOf(view: ConversationSla, targets: SlaTargets, now: number): SlaBadgeData {
  const running = (["first_response", "next_response", "resolution"] as const)
    .map((metric) => ({ metric, due: view[`${metric}_due_at`] }))
    .filter((m): m is { metric: (typeof m)["metric"]; due: string } => m.due !== null)
    .map((m) => ({ metric: m.metric, dueAt: Date.parse(m.due) }))
    .sort((a, b) => a.dueAt - b.dueAt)[0];
  const bh = targets.business_hours;
  if (!running) return { metric: null, dueAt: null, leftMs: null, warnLeftMs: 0, intervals: [], paused: view.paused, breached: view.breached };
  const target = (running.metric === "first_response" ? targets.first_response_s : running.metric === "next_response" ? targets.next_response_s : targets.resolution_s) ?? 0;
  return {
    metric: running.metric,
    dueAt: running.dueAt,
    leftMs: businessMsBetween(bh, now, running.dueAt),
    warnLeftMs: Math.round(target * 1000 * (1 - targets.warning_pct / 100)),
    intervals: running.dueAt > now ? openIntervals(bh, now, Math.min(running.dueAt, now + HORIZON_MS)) : [],
    paused: view.paused,
    breached: view.breached,
  };
}

/** The badge itself; renders nothing for a conversation without an SLA. */
export const SlaBadge = ({ conv }: { conv: { id: string } }) => {
  const b = (conv as { slaBadge?: SlaBadgeData }).slaBadge;
  if (!b) return null;
  const head = b.first ? (
    <>
      <style dangerouslySetInnerHTML={{ __html: CSS }} />
      <script src={`/assets/sla.js?v=${fingerprint(SLA_JS)}`} defer />
    </>
  ) : null;
  if (b.metric === null || b.leftMs === null || b.dueAt === null) {
    if (b.paused) return <>{head}<span class="sla-badge sla-paused" title="Waiting on the customer: the SLA clock is paused">SLA paused</span></>;
    if (b.breached.length) return <>{head}<span class="sla-badge sla-breached" title={`Breached: ${b.breached.join(", ")}`}>SLA breached</span></>;
    return head;
  }
  const state = b.leftMs <= 0 ? "sla-breached" : b.leftMs <= b.warnLeftMs ? "sla-warn" : "sla-ok";
  const text = b.leftMs <= 0 ? `${LABEL[b.metric]} overdue` : `${LABEL[b.metric]} ${formatLeft(b.leftMs)}`;
  return (
    <>
      {head}
      <span
        class={`sla-badge ${state}`}
        data-sla-due={String(b.dueAt)}
        data-sla-warn={String(b.warnLeftMs)}
        data-sla-label={LABEL[b.metric]}
        data-sla-intervals={JSON.stringify(b.intervals)}
        title={`Due ${new Date(b.dueAt).toISOString()} (business hours)`}
      >
        {text}
      </span>
    </>
  );
};
