/**
 * How a thread object moves what it holds into Postgres: the statements (conversation rules live in
 * src/services/conversations/), how a failure is told apart (Postgres down, or Postgres refusing this
 * input for good), and the reusable connection.
 */
import type { Database } from "../../src/db/client";
import type { OutboxMessage } from "../../src/queues/outbox-relay";
import { type PreRead, toTurnRead, turnReadItems } from "../../src/services/bot/answer";
import { closeGroupStatement, type CloseGroupRow } from "../../src/services/conversations/groups";
import {
  resolveThreadStatements,
  resolvedConversation,
  type ResolvedThreadRow,
  setAsideStatement,
  storeBatchStatement,
  toStoredBatch,
  type InboundRaw,
  type InboundRow,
  type InboundThread,
  type StoreBatchRow,
  type StoredBatch,
} from "../../src/services/conversations/inbound";
import type { DebounceGroup, ThreadMeta } from "./types";

export interface KnownThread {
  contactId: string;
  conversationId: string;
}

export interface PersistOutcome extends KnownThread {
  stored: StoredBatch;
}

const threadOf = (meta: ThreadMeta): InboundThread => ({ tenantId: meta.tenantId, channelId: meta.channelId, channelType: meta.channelType, customerId: meta.customerId, threadKey: meta.threadKey });

/**
 * Stores a batch in one round trip (scope and statements in one transaction over HTTP). A thread whose
 * contact and conversation the object knows sends the store statement alone; a new thread sends the
 * statements that resolve them first, in the same transaction, and the store statement reads their
 * answer from Postgres, so a first message costs no more round trips than any other.
 */
export async function storeBatch(db: Database, meta: ThreadMeta, rows: InboundRow[], raws: InboundRaw[], known?: KnownThread): Promise<PersistOutcome | undefined> {
  const thread = threadOf(meta);
  const scope = { tenantId: meta.tenantId };
  if (rows.length === 0) {
    await db.oneTrip(scope, storeBatchStatement(thread, undefined, [], raws));
    return undefined;
  }
  if (known) {
    const [row] = await db.oneTrip<StoreBatchRow>(scope, storeBatchStatement(thread, known.conversationId, rows, raws));
    return { ...known, stored: toStoredBatch(row!) };
  }
  const resolve = resolveThreadStatements(thread, rows[0]!);
  const results = await db.statements(scope, [...resolve, storeBatchStatement(thread, resolvedConversation, rows, raws)]);
  const resolved = results[resolve.length - 1]![0] as ResolvedThreadRow;
  const stored = results.at(-1)![0] as StoreBatchRow;
  return { contactId: resolved.contact_id, conversationId: resolved.conversation_id, stored: toStoredBatch(stored) };
}

/** A bot turn's reading to send with a group's close (see groupTurnReading). */
export interface TurnReading {
  underWay: boolean;
  messageIds: string[];
  turn: Parameters<typeof turnReadItems>[1];
}

/**
 * Closes a group in one round trip. With `reading`, the same round trip reads what the group's bot
 * turn needs (read-only statements after the close, in its transaction), so the turn that follows at
 * once needs no round trip of its own to start.
 */
export async function closeGroup(db: Database, meta: ThreadMeta, group: DebounceGroup, reading?: TurnReading): Promise<{ events: OutboxMessage[]; preread?: PreRead }> {
  const statement = closeGroupStatement({
    id: group.id,
    threadKey: meta.threadKey,
    tenantId: meta.tenantId,
    conversationId: group.conversationId!,
    channelId: meta.channelId,
    contactId: group.contactId!,
    messageIds: group.messageIds,
    startedAt: group.startedAt,
    hardDeadline: group.hardDeadline,
  });
  const scope = { tenantId: meta.tenantId };
  if (!reading) {
    const [row] = await db.oneTrip<CloseGroupRow>(scope, statement);
    return { events: row?.events ?? [] };
  }
  const [closed, ...read] = await db.batch(scope, (q) => [q.execute(statement), ...turnReadItems(q, reading.turn, reading.underWay)]);
  const row = (closed as unknown as { rows: CloseGroupRow[] }).rows[0];
  return { events: row?.events ?? [], preread: { underWay: reading.underWay, messageIds: reading.messageIds, read: toTurnRead(read) } };
}

export async function setAside(db: Database, meta: ThreadMeta, row: InboundRow, reason: string) {
  await db.oneTrip({ tenantId: meta.tenantId }, setAsideStatement(threadOf(meta), row, reason));
}

/**
 * SQLSTATE classes that mean "this input (or this statement) will never be accepted": data exceptions
 * (22: bad encoding, out-of-range values), integrity violations (23), syntax or access rule violations
 * (42), program limits (54: a row too large). Everything else — no SQLSTATE at all (socket closed,
 * refused, timed out), connection (08), resources (53), operator intervention (57), serialization
 * (40) — means Postgres is unavailable or busy, and the input waits for it.
 */
const REFUSING_CLASSES = new Set(["22", "23", "42", "54", "2F", "P0"]);

export function refusalOf(err: unknown): { code: string; message: string } | undefined {
  const pg = postgresErrorOf(err);
  if (!pg || !REFUSING_CLASSES.has(pg.code.slice(0, 2))) return undefined;
  return pg;
}

/**
 * The Postgres error behind a failure (Drizzle wraps driver errors in one that carries the query and
 * its parameters as `cause`), as code and server message only: never the statement or its values,
 * which hold customers' messages and must not reach the logs.
 */
export function postgresErrorOf(err: unknown): { code: string; message: string } | undefined {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return { code, message: e instanceof Error ? e.message.slice(0, 200) : "error" };
  }
  return undefined;
}

/** A failure as the logs may show it: the Postgres code and message, or the error's class and the first line of its message. */
export function describeFailure(err: unknown): string {
  const pg = postgresErrorOf(err);
  if (pg) return `${pg.code}: ${pg.message}`;
  const cause = (err as { cause?: unknown } | null)?.cause ?? err;
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.startsWith("Failed query") ? "query failed" : message.split("\n")[0]!.slice(0, 200);
}
