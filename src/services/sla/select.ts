import { and, eq } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { slaPolicies, type SlaTargets } from "../../db/schema";

type PolicyRow = typeof slaPolicies.$inferSelect;

/** What a policy is chosen by. */
export interface SelectionFacts {
  channelType: string | null;
  priority: string | null;
  teamId: string | null;
  contactTier: string | null;
}

const listed = (list: string[] | undefined, value: string | null) => !list || list.length === 0 || (value !== null && list.includes(value));
const criteria = (p: PolicyRow) => ["channel_types", "priorities", "team_ids", "contact_tiers"].filter((k) => ((p.match as Record<string, string[] | undefined>)[k]?.length ?? 0) > 0).length;

/**
 * The policy a conversation runs on. Selection order (documented in the README):
 * 1. enabled policies whose `match` lists all hold (an omitted or empty list holds for anything:
 *    channel type, priority, team, contact tier);
 * 2. of those, the most specific (most lists given) wins; a tie goes to the lower `rank`, then the
 *    older policy;
 * 3. no match: the workspace's default policy (`is_default`), if enabled; else no SLA.
 */
export function choosePolicy(policies: PolicyRow[], f: SelectionFacts): PolicyRow | null {
  const enabled = policies.filter((p) => p.enabled);
  const matching = enabled.filter(
    (p) => !p.isDefault && criteria(p) > 0 && listed(p.match.channel_types, f.channelType) && listed(p.match.priorities, f.priority) && listed(p.match.team_ids, f.teamId) && listed(p.match.contact_tiers, f.contactTier),
  );
  matching.sort((a, b) => criteria(b) - criteria(a) || a.rank - b.rank || a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  return matching[0] ?? enabled.find((p) => p.isDefault) ?? enabled.find((p) => criteria(p) === 0 && !p.isDefault) ?? null;
}

/**
 * The targets after overrides: an override for both the channel type and the priority beats one for
 * the priority alone, which beats one for the channel type alone (urgency is the sharper promise);
 * each target field falls back independently.
 */
export function resolveTargets(p: PolicyRow, f: SelectionFacts): SlaTargets {
  const score = (o: PolicyRow["overrides"][number]) => {
    if (o.channel_type !== undefined && o.channel_type !== f.channelType) return -1;
    if (o.priority !== undefined && o.priority !== f.priority) return -1;
    return (o.priority !== undefined ? 2 : 0) + (o.channel_type !== undefined ? 1 : 0);
  };
  const applicable = p.overrides.map((o, i) => ({ o, s: score(o), i })).filter((x) => x.s > 0).sort((a, b) => a.s - b.s || a.i - b.i);
  const t: SlaTargets = { first_response_s: p.firstResponseS, next_response_s: p.nextResponseS, resolution_s: p.resolutionS, warning_pct: p.warningPct, business_hours: p.businessHours ?? null };
  // Weakest first, so the most specific override writes last.
  for (const { o } of applicable) {
    if (o.first_response_s !== undefined) t.first_response_s = o.first_response_s;
    if (o.next_response_s !== undefined) t.next_response_s = o.next_response_s;
    if (o.resolution_s !== undefined) t.resolution_s = o.resolution_s;
  }
  return t;
}

export async function policiesOf(tx: Tx, tenantId: string): Promise<PolicyRow[]> {
  return tx.select().from(slaPolicies).where(and(eq(slaPolicies.tenantId, tenantId), eq(slaPolicies.enabled, true)));
}
