import { and, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { conversations, messages } from "../../db/schema";
import type { InboundStatus } from "../../channels/inbound";

/** Delivery states only move forward (sent → delivered → read); providers deliver them out of order. */
const RANK: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Applies provider status callbacks to our outbound messages. A status can arrive before the send's own
 * response was recorded, or twice, or late: the rank check makes every order end in the same state.
 * Returns what changed, with each conversation's thread key for live updates.
 */
export async function applyStatuses(tx: Tx, channelId: string, statuses: Array<{ externalId: string; status: InboundStatus; error?: string }>) {
  const changed: Array<{ message: typeof messages.$inferSelect; threadKey: string }> = [];
  for (const s of statuses) {
    const allowedFrom = s.status === "failed" ? ["pending", "sent", "delivered"] : Object.keys(RANK).filter((k) => RANK[k]! < RANK[s.status]!);
    const rows = await tx
      .update(messages)
      .set({ status: s.status, error: s.error ?? null, updatedAt: sql`now()` })
      .where(and(eq(messages.channelId, channelId), eq(messages.externalId, s.externalId), eq(messages.direction, "outbound"), inArray(messages.status, allowedFrom as Array<"pending">)))
      .returning();
    for (const message of rows) {
      const [conv] = await tx.select({ threadKey: conversations.threadKey }).from(conversations).where(eq(conversations.id, message.conversationId));
      if (conv) changed.push({ message, threadKey: conv.threadKey });
    }
  }
  return changed;
}
