import { sql } from "drizzle-orm";
import { z } from "zod";
import type { OutboxHandler } from "../../queues/outbox-consumer";
import { drainWaiting, forgetWaiting } from "./engine";

const StateChanged = z.object({ conversation_id: z.string().uuid(), from: z.string(), to: z.string() });

/**
 * `conversation.state_changed` → a resolved conversation frees its agent's seat: waiting conversations
 * of that agent's teams (and of the conversation's team) are handed out at once, most urgent first.
 * Idempotent by nature: a drain only assigns what is still waiting, under the same locks as any
 * routing, so a redelivered event finds nothing left to do.
 */
export const drainOnStateChange: OutboxHandler = async ({ ctx, event }) => {
  const parsed = StateChanged.safeParse(event.payload);
  if (!parsed.success || parsed.data.to !== "resolved") return;
  const { conversation_id } = parsed.data;
  await ctx.db.scoped({ tenantId: event.tenant_id }, async (tx) => {
    await forgetWaiting(tx, conversation_id);
    const r = await tx.execute<{ assignee_id: string | null; team_id: string | null }>(sql`select assignee_id, team_id from conversations where id = ${conversation_id}::uuid and tenant_id = ${event.tenant_id}::uuid`);
    const conv = r.rows[0];
    if (!conv) return;
    if (conv.assignee_id) await drainWaiting(tx, event.tenant_id, { agentId: conv.assignee_id });
    if (conv.team_id) await drainWaiting(tx, event.tenant_id, { teamId: conv.team_id });
  });
};

/**
 * Two consumers of one event type (OUTBOX_HANDLERS holds one per type): both run, each idempotent, and
 * a failure of either retries the event (the other then finds nothing left to do).
 */
export const together =
  (...handlers: OutboxHandler[]): OutboxHandler =>
  async (h) => {
    const results = await Promise.allSettled(handlers.map((f) => f(h)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  };
