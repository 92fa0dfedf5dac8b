import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { messages } from "../../db/schema";
import type { OutboxMessage } from "../outbox-relay";

/**
 * A reply whose delivery was retried until the queue gave up: it must not look "pending" forever. The
 * agent sees it failed (and can resend); a later provider status callback can still move it on.
 */
export async function giveUpOutbound(tx: Tx, event: OutboxMessage): Promise<void> {
  const messageId = event.payload.message_id;
  if (typeof messageId !== "string") return;
  await tx
    .update(messages)
    .set({ status: "failed", error: "Delivery was retried and gave up; the provider kept failing", updatedAt: sql`now()` })
    .where(and(eq(messages.id, messageId), eq(messages.status, "pending")));
}
