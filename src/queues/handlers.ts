import { USAGE_HANDLERS } from "../services/billing/usage";
import type { OutboxHandler } from "./outbox-consumer";
import type { Tx } from "../db/client";
import type { OutboxMessage } from "./outbox-relay";
import { giveUpOutbound } from "./senders/give-up";
import { runBotForGroup } from "./bot-turn";
import { deliverOutbound } from "./senders/outbound";
import { indexDocument, indexFailed, removeDocumentVectors } from "../services/knowledge/pipeline";
import { knowledgeQueryUsed } from "../services/knowledge/query";
import { drainOnStateChange, together } from "../services/routing/consumers";
import { summarizeOnResolve } from "../services/escalations/summary";
import { onAutomationWebhook, onContactUpdated, onConversationChanged, onMessageReceived, onSlaEvent } from "../services/automation/consumer";

/**
 * Which consumer handles which outbox event type. Each domain registers its handlers here, one line
 * each; event types without a handler are acknowledged and dropped from the queue (the outbox row stays).
 */
export const OUTBOX_HANDLERS: Record<string, OutboxHandler> = {
  ...USAGE_HANDLERS,
  "message.outbound": deliverOutbound,
  "message_group.ready": runBotForGroup,
  "knowledge_document.submitted": indexDocument,
  "knowledge_document.deleted": removeDocumentVectors,
  "knowledge.query": knowledgeQueryUsed, // meters (recordUsage) and counts per document
  "message.received": onMessageReceived,
  "conversation.state_changed": together(onConversationChanged, drainOnStateChange, summarizeOnResolve), // automation + SLA clocks; routing frees the seat; a resolved one is summarized
  "conversation.assigned": onConversationChanged,
  "sla.warning": onSlaEvent,
  "sla.breached": onSlaEvent,
  "contact.updated": onContactUpdated,
  "automation.webhook": onAutomationWebhook,
};

/** What to record when an event's retries are exhausted (it lands in the dead-letter queue). */
export const DEAD_LETTER_HANDLERS: Record<string, (tx: Tx, event: OutboxMessage) => Promise<void>> = {
  "message.outbound": giveUpOutbound,
  "knowledge_document.submitted": indexFailed,
};
