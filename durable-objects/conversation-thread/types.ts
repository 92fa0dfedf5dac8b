import type { ChannelType } from "../../src/db/schema";
import type { InboundMessage } from "../../src/channels/inbound";
import type { InboundRaw } from "../../src/services/conversations/inbound";

/** Who the thread is: fixed when the object first accepts a message. */
export interface ThreadMeta {
  tenantId: string;
  channelId: string;
  channelType: ChannelType;
  /** The customer's id at the provider (wa_id, Telegram chat id, phone, API sender id). */
  customerId: string;
  threadKey: string;
  debounceMs: number;
  maxWaitMs: number;
}

/** A delivery's raw bytes (made storable) and headers, logged to channel_events with the messages it carried. */
export type RawDelivery = InboundRaw;

export interface PendingMessage {
  seq: number;
  /**
   * The message's id in Postgres, fixed at accept: a batch retried after its commit (the object stopped
   * before recording it) finds its rows by id, so the messages still join their group. Absent on
   * messages accepted before ids were assigned here; persist assigns one then.
   */
  id?: string;
  message: InboundMessage;
  acceptedAt: number;
  /** The debounce group it was accepted into; that group is not flushed while this is pending. */
  groupId: string;
}

/** The open debounce group. Its id is fixed when it opens, so a retried flush inserts the same row. */
export interface DebounceGroup {
  id: string;
  startedAt: number;
  /** Quiet-period deadline: reset by every new message, but never past `hardDeadline`. */
  deadline: number;
  /** startedAt + maxWaitMs: a chatty customer is still answered. */
  hardDeadline: number;
  messageIds: string[];
  /** Conversation the group's messages belong to (set once persisted). */
  conversationId?: string;
  contactId?: string;
}

export interface AcceptInput {
  meta: ThreadMeta;
  messages: InboundMessage[];
  raw?: RawDelivery;
  /** A replay from the raw log: skip the object's memory of seen ids and let Postgres' unique key judge. */
  replay?: boolean;
}

export interface AcceptResult {
  accepted: string[];
  duplicates: string[];
}

/** What live clients receive over the thread's WebSocket. */
export type LiveEvent =
  | { type: "message.created"; conversation_id: string; message: Record<string, unknown> }
  | { type: "message.updated"; conversation_id: string; message: Record<string, unknown> }
  // How an inbound message was understood, once the bot's turn stored it (the inbox renders it in place).
  | { type: "message.annotated"; conversation_id: string; message_id: string; annotations: Record<string, unknown> }
  | { type: "conversation.updated"; conversation_id: string; conversation: Record<string, unknown> };

/** A provider's answer to one outbound send, as deliverOutbound records it. */
export type SentOutcome = { status: "sent"; externalId: string | null } | { status: "failed"; error: string };
