import { withTenant } from "../access";
import type { ServiceContext } from "../context";
import { slaViews } from "./clocks";
import type { ConversationSla } from "./model";

/**
 * Adds each conversation's live `sla` (due times as of now, breaches, pause) to API answers: one
 * read for the whole page. Null for a conversation no policy applies to.
 *
 * @example
 *   const page = await listConversations(...);
 *   return { ...page, data: await withSla(ctx, page.data) };
 */
export async function withSla<T extends { id: string }>(ctx: ServiceContext, items: T[]): Promise<Array<T & { sla: ConversationSla | null }>> {
  if (items.length === 0) return [];
  const views = await withTenant(ctx, "conversations:read", (tx) => slaViews(tx, items.map((i) => i.id)));
  return items.map((i) => ({ ...i, sla: views.get(i.id) ?? null }));
}
