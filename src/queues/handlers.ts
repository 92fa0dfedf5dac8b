import type { OutboxHandler } from "./outbox-consumer";

/**
 * Which consumer handles which outbox event type. Each domain registers its handlers here, one line
 * each; event types without a handler are acknowledged and dropped from the queue (the outbox row stays).
 */
export const OUTBOX_HANDLERS: Record<string, OutboxHandler> = {};
