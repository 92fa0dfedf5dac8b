import { eq } from "drizzle-orm";
import { z } from "zod";
import { threadStub } from "../../durable-objects/conversation-thread/client";
import { conversations } from "../db/schema";
import type { OutboxHandler } from "./outbox-consumer";

const Payload = z.object({
  group_id: z.string().uuid(),
  conversation_id: z.string().uuid(),
  channel_id: z.string().uuid(),
  thread_key: z.string().min(1).optional(),
  message_ids: z.array(z.string().uuid()),
});

/**
 * `message_group.ready` → the conversation's thread object takes the bot's turn (understanding, the
 * flow, its replies). The object is the single writer of bot state and makes a redelivered event a
 * no-op; this consumer only finds it.
 */
export const runBotForGroup: OutboxHandler = async ({ ctx, event }) => {
  const payload = Payload.safeParse(event.payload);
  if (!payload.success) {
    ctx.log.error("message_group.ready with a malformed payload", { event_id: event.id });
    return;
  }
  const p = payload.data;
  let threadKey = p.thread_key;
  if (!threadKey) {
    // Events written before the payload carried the thread key.
    const [row] = await ctx.db.scoped({ tenantId: event.tenant_id }, (tx) => tx.select({ threadKey: conversations.threadKey }).from(conversations).where(eq(conversations.id, p.conversation_id)));
    if (!row) return;
    threadKey = row.threadKey;
  }
  await threadStub(ctx.env, event.tenant_id, threadKey).runBot({ group_id: p.group_id, conversation_id: p.conversation_id, message_ids: p.message_ids });
};
