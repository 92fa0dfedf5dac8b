import { USAGE_HANDLERS } from "../services/billing/usage";
import type { OutboxHandler } from "./outbox-consumer";
import type { Tx } from "../db/client";
import type { OutboxMessage } from "./outbox-relay";
import { giveUpOutbound } from "./senders/give-up";
import { runBotForGroup } from "./bot-turn";
import { deliverOutbound } from "./senders/outbound";

/**
 * Which consumer handles which outbox event type. Each domain registers its handlers here, one line
 * each; event types without a handler are acknowledged and dropped from the queue (the outbox row stays).
 */
export const OUTBOX_HANDLERS: Record<string, OutboxHandler> = {
  ...USAGE_HANDLERS,
  "message.outbound": deliverOutbound,
  "message_group.ready": runBotForGroup,
};

/** What to record when an event's retries are exhausted (it lands in the dead-letter queue). */
export const DEAD_LETTER_HANDLERS: Record<string, (tx: Tx, event: OutboxMessage) => Promise<void>> = {
  "message.outbound": giveUpOutbound,
};
