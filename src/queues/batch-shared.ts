// Its own module, imported by handlers: importing outbox-consumer from a handler's module (which the
// consumer's handler table imports) would be a cycle that leaves the table's entries undefined.
import type { OutboxMessage } from "./outbox-relay";

/**
 * One queue delivery's events and a memo their handlers share: a read that many events of a delivery
 * need (automation's "what applies") is made once for all of them, a round trip per delivery instead
 * of one per event. What the memo holds is a promise, so lanes running side by side wait for one read.
 */
export interface BatchShared {
  events: readonly OutboxMessage[];
  memo: Map<string, Promise<unknown>>;
}

/**
 * `read()` once per delivery under `key`, shared by the delivery's handlers (once per call without a
 * delivery). A read that fails is forgotten, so the next handler that asks reads again.
 */
export function sharedRead<T>(batch: BatchShared | undefined, key: string, read: () => Promise<T>): Promise<T> {
  if (!batch) return read();
  let shared = batch.memo.get(key) as Promise<T> | undefined;
  if (!shared) {
    shared = read();
    batch.memo.set(key, shared);
    shared.catch(() => batch.memo.delete(key));
  }
  return shared;
}
