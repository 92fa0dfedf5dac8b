import { and, desc, eq } from "drizzle-orm";
import { threadKeyOf } from "../../../durable-objects/conversation-thread/client";
import { conversations, messages } from "../../db/schema";
import type { ServiceContext } from "../context";

const HISTORY_LIMIT = 100;

/**
 * What a web chat visitor may see of a message: the same fields the thread object pushes to visitor
 * sockets (no sender ids, provider ids or delivery errors), plus their own client_message_id back, so
 * the widget can match what it sent.
 */
export interface VisitorMessage {
  id: string;
  direction: "inbound" | "outbound";
  content: Record<string, unknown>;
  status: string;
  created_at: string;
  client_message_id?: string;
}

/**
 * The visitor's own thread, oldest first (the latest HISTORY_LIMIT messages), across every
 * conversation it has had on this channel. The thread key, not the contact, is the boundary: a contact
 * merged with others never exposes their other conversations here.
 */
export async function visitorHistory({ ctx, input }: { ctx: ServiceContext; input: { tenantId: string; channelId: string; visitorId: string } }): Promise<VisitorMessage[]> {
  const threadKey = threadKeyOf(input.channelId, input.visitorId);
  const rows = await ctx.db.scoped({ tenantId: input.tenantId }, (tx) =>
    tx
      .select({ id: messages.id, direction: messages.direction, content: messages.content, status: messages.status, createdAt: messages.createdAt, externalId: messages.externalId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(eq(conversations.channelId, input.channelId), eq(conversations.threadKey, threadKey), eq(messages.channelId, input.channelId)))
      .orderBy(desc(messages.sequence))
      .limit(HISTORY_LIMIT),
  );
  const ownPrefix = `${input.visitorId}:`;
  return rows.reverse().map((r) => ({
    id: r.id,
    direction: r.direction,
    content: r.content,
    status: r.status,
    created_at: r.createdAt.toISOString(),
    ...(r.direction === "inbound" && r.externalId?.startsWith(ownPrefix) && { client_message_id: r.externalId.slice(ownPrefix.length) }),
  }));
}
