import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import { CURRENT_USER, readTenant } from "../access-read";
import type { ServiceContext } from "../context";
import { toConversation, type Conversation } from "../conversations/model";
import { keepQueuePage, keptPageIds, pageColumnIds, queueFacetReads, queueFacetsOf, queuePageOf, queuePageQuery, type QueueInput } from "../routing/queue";
import { slaTargetsOf, slaViewReads, slaViewsOf } from "../sla/clocks";
import { labelReads, labelsOf } from "./labels";

/**
 * Everything the inbox list page shows, in one round trip: the credential check, who is looking, the
 * queue page, the filters' facets, the page's SLA clocks and the names beside each row — one
 * non-interactive transaction, the page's ids sorted out once and kept for the reads that need them.
 * A role without `conversations:read` is FORBIDDEN, a dead session UNAUTHORIZED (as for `readTenant`).
 *
 * @example
 *   const view = await inboxQueuePage({ ctx, input: { view: "mine", limit: 50 } });
 */
export async function inboxQueuePage({ ctx, input, now = Date.now() }: { ctx: ServiceContext; input: QueueInput; now?: number }) {
  // readTenant refuses a context without a tenant before it builds the reads.
  const tenantId = ctx.tenantId ?? "";
  const { principal, results } = await readTenant(ctx, "conversations:read", (db) => [
    db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, CURRENT_USER)),
    // The queue is sorted once, here; the reads after it take the page's ids from this statement.
    keepQueuePage(db, tenantId, input),
    queuePageQuery(db, tenantId),
    ...queueFacetReads(db, tenantId),
    ...slaViewReads(db, keptPageIds),
    ...labelReads(db, pageColumnIds(db, keptPageIds)),
  ] as const);
  const [me, , rows, teams, languages, availability, channels, slas, facts, breaches, contacts, channelNames, people] = results;
  const queue = queuePageOf(rows, input);
  const sla = [slas, facts, breaches] as const;
  return {
    user: principal.type === "user" ? (me.find((u) => u.id === principal.userId) ?? null) : null,
    role: principal.type === "user" ? principal.role : null,
    tenant: principal.tenant,
    queue: { data: queue.rows.map(toConversation) as Conversation[], page: queue.page, has_more: queue.has_more },
    facets: queueFacetsOf([teams, languages, availability, channels]),
    slaViews: slaViewsOf(sla, now),
    slaTargets: slaTargetsOf(sla),
    labels: labelsOf([contacts, channelNames, people]),
  };
}
