import { DurableObject } from "cloudflare:workers";
import { Database } from "../../src/db/client";
import { loadConfig, type Env } from "../../src/env";
import { createLogger } from "../../src/lib/log";
import type { OutboxMessage } from "../../src/queues/outbox-relay";
import { toMessage } from "../../src/services/conversations/model";
import type { BotTurnResult, PreRead } from "../../src/services/bot/answer";
import { dueBotTimer, groupTurnReading, takeBotTurn, type BotTimer, type GroupReady } from "./bot";
import type { SendThread } from "../../src/queues/senders/outbound";
import { threadStub } from "./client";
import { closeGroup, describeFailure, refusalOf, setAside, storeBatch, type KnownThread, type PersistOutcome } from "./persist";
import { acceptLiveSocket, closeWhere, onLiveMessage, openAgentSockets, sendToTag } from "./live-sockets";
import { checkSlaSoon, nextSlaTimer, runDueSlaTimers, scheduleSlaTimer } from "./sla-timers";
import type { AcceptInput, AcceptResult, DebounceGroup, LiveEvent, PendingMessage, RawDelivery, SentOutcome, ThreadMeta } from "./types";

const SEEN_TTL_MS = 8 * 24 * 3600 * 1000; // providers retry for up to 7 days
const MAX_RETRY_MS = 60_000;
/**
 * How long the object trusts its memory of the thread's contact and conversation. Within it, a message
 * on a conversation resolved meanwhile reopens that conversation (the write reopens it in place).
 */
const KNOWN_TTL_MS = 24 * 3600 * 1000;
const pad = (n: number) => String(n).padStart(12, "0");
/** Attempts on one message, each refused by Postgres, before it is set aside (a bug or a bad value, not an outage). */
const REFUSALS_BEFORE_SET_ASIDE = 3;
/** An alarm due within this keeps the database connection open. */
const KEEP_CONNECTION_MS = 2_000;

/** The message being isolated after Postgres refused a batch, and how often it was refused alone. */
interface Refusal {
  key: string;
  count: number;
}

/**
 * One conversation thread (tenant + channel + customer): the single writer that orders and dedupes
 * inbound messages, holds them durably until Postgres has them, runs the debounce group on its alarm,
 * and pushes live updates to hibernating WebSockets.
 *
 * Durability: `accept` returns only after the messages are in this object's storage (the webhook is
 * acknowledged then); the alarm moves them to Postgres, retrying with backoff while Postgres is down.
 * Exactly-once group flush: the group id is fixed when the group opens and the message_groups insert is
 * ON CONFLICT DO NOTHING, emitting `message_group.ready` only when it inserted — so a flush retried
 * after a failure (or after eviction) cannot produce a second event.
 */
export class ConversationThread extends DurableObject<Env> {
  /** Reused across alarms while the thread is busy; closed when it goes quiet (see `idle`). */
  private db?: Database;
  /** Bot turns run one at a time, in arrival order (at most one flow run per conversation). */
  private botTurns: Promise<unknown> = Promise.resolve();
  /** Bot turns queued or running here: a turn read ahead must be the next one to run. */
  private turnsInFlight = 0;
  /** Whether a group's close also reads its bot turn; off after a close carrying one failed (retried bare). */
  private readWithClose = true;

  /**
   * The bot's turn for a closed group, called by the `message_group.ready` consumer. A redelivered
   * event, a retried call or a stale group changes nothing (see bot.ts).
   */
  async runBot(event: GroupReady): Promise<BotTurnResult["status"]> {
    return this.groupTurn(event);
  }

  private async groupTurn(event: GroupReady, preread?: PreRead): Promise<BotTurnResult["status"]> {
    const meta = await this.ctx.storage.get<ThreadMeta>("meta");
    if (!meta) return "silent";
    // After the turn its priority or team may have changed: its SLA clock is checked, where it can have one.
    const check = () => checkSlaSoon(this.ctx.storage, event.conversation_id);
    const sent: LiveEvent[] = [];
    const result = await this.serialized(() => takeBotTurn(this.ctx.storage, this.env, meta.tenantId, { kind: "group", group: event }, (step) => this.fault(step), preread, this.sendThread(meta, sent))).catch(async (err: unknown) => {
      await check();
      throw err;
    });
    const status = await this.afterBotTurn(meta, result, sent);
    if (result.slaMayApply !== false) await check();
    return status;
  }

  /**
   * The bot's turn for a group that just closed, started here at once rather than after a trip through
   * the queue and back. It runs beside the alarm, as the consumer's call would (the next alarm persists
   * meanwhile, and a message it stores makes the turn stale). The `message_group.ready` event went out
   * all the same: it is the fallback when this object stops first, and finds the turn taken otherwise.
   */
  private answerNow(meta: ThreadMeta, group: DebounceGroup, preread?: PreRead) {
    if (!group.conversationId || group.messageIds.length === 0) return;
    // Read ahead only for the next turn to run: behind another, the reading could be out of date.
    this.groupTurn({ group_id: group.id, conversation_id: group.conversationId, message_ids: group.messageIds }, this.turnsInFlight === 0 ? preread : undefined).catch((err: unknown) => {
      this.log(meta).warn("thread: bot turn failed here; the queued event retries it", { group_id: group.id, error: describeFailure(err) });
    });
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    this.turnsInFlight += 1;
    const next = this.botTurns.then(fn, fn).finally(() => {
      this.turnsInFlight -= 1;
    });
    this.botTurns = next.catch(() => {});
    return next;
  }

  /**
   * The thread object a bot reply's send reports to (see takeBotTurn): this one, for a conversation
   * keyed to it, its live updates held in `sent` until the replies themselves have been announced; for
   * a conversation keyed to another thread (a contact's second thread on the channel), that one, where
   * its agents listen and where a redelivery looks for a remembered answer.
   */
  private sendThread(meta: ThreadMeta, sent: LiveEvent[]) {
    const own: SendThread = {
      rememberSend: (id, outcome) => this.rememberSend(id, outcome),
      rememberedSend: (id) => this.rememberedSend(id),
      forgetSend: (id) => this.forgetSend(id),
      notify: async (event) => {
        sent.push(event);
      },
    };
    return (tenantId: string, threadKey: string): SendThread => (tenantId === meta.tenantId && threadKey === meta.threadKey ? own : threadStub(this.env, tenantId, threadKey));
  }

  private async afterBotTurn(meta: ThreadMeta, result: BotTurnResult, sent: LiveEvent[] = []): Promise<BotTurnResult["status"]> {
    for (const a of result.annotated ?? []) this.broadcast({ type: "message.annotated", conversation_id: a.conversationId, message_id: a.id, annotations: a.annotations });
    for (const m of result.replies) this.broadcast({ type: "message.created", conversation_id: m.conversationId, message: toMessage(m) });
    for (const e of sent) this.broadcast(e);
    if (result.timer) await this.scheduleNext();
    return result.status;
  }

  /** A due flow timer (an `ask` timing out, a `wait` ending) runs its turn from the alarm. */
  private async runDueTimer(meta: ThreadMeta) {
    const timer = await dueBotTimer(this.ctx.storage);
    if (!timer) return;
    try {
      const sent: LiveEvent[] = [];
      const result = await this.serialized(() => takeBotTurn(this.ctx.storage, this.env, meta.tenantId, { kind: "timer", timer }, undefined, undefined, this.sendThread(meta, sent)));
      await this.afterBotTurn(meta, result, sent);
    } catch (err) {
      this.log(meta).warn("thread: flow timer turn failed; will retry", { error: describeFailure(err) });
      await this.ctx.storage.put("bot:timer", { ...timer, at: Date.now() + 5000 });
    }
  }

  async accept(input: AcceptInput): Promise<AcceptResult> {
    const storage = this.ctx.storage;
    await storage.put("meta", input.meta);
    const now = Date.now();
    let seq = (await storage.get<number>("seq")) ?? 0;
    const accepted: string[] = [];
    const duplicates: string[] = [];
    const writes: Record<string, unknown> = {};
    const current = await storage.get<DebounceGroup>("group");
    const group = current ?? { id: crypto.randomUUID(), startedAt: now, deadline: 0, hardDeadline: now + input.meta.maxWaitMs, messageIds: [] };
    for (const message of input.messages) {
      const seenKey = `x:${message.externalId}`;
      if (writes[seenKey] !== undefined || (!input.replay && (await storage.get(seenKey)) !== undefined)) {
        duplicates.push(message.externalId);
        continue;
      }
      seq += 1;
      writes[`p:${pad(seq)}`] = { seq, id: crypto.randomUUID(), message, acceptedAt: now, groupId: group.id } satisfies PendingMessage;
      writes[seenKey] = now;
      accepted.push(message.externalId);
    }
    if (input.raw) {
      seq += 1;
      writes[`r:${pad(seq)}`] = { ...input.raw, note: accepted.length === 0 && duplicates.length > 0 ? "duplicate delivery" : input.raw.note } satisfies RawDelivery;
    }
    writes.seq = seq;
    if (accepted.length > 0) {
      // Only new messages open or extend the group: a provider retry must not delay the answer.
      group.deadline = Math.min(now + input.meta.debounceMs, group.hardDeadline);
      writes.group = group;
    }
    await storage.put(writes);
    // Persist to Postgres as soon as possible; the alarm is also the retry loop.
    await storage.setAlarm(now);
    return { accepted, duplicates };
  }

  override async alarm(): Promise<void> {
    const storage = this.ctx.storage;
    const meta = await storage.get<ThreadMeta>("meta");
    if (!meta) return;
    try {
      await this.sendHeldEvents(meta);
      await this.runDueTimer(meta);
      await runDueSlaTimers(storage, this.env, meta, () => this.database(), this.log(meta));
      if (!(await this.persistPending(meta))) return; // it scheduled its own retry
      // A group that was being flushed when an earlier attempt failed goes first (same id: no double).
      const flushing = await storage.get<DebounceGroup>("flushing");
      if (flushing) {
        const flushed = await this.flushGroup(meta, flushing);
        if (!flushed) return;
        this.answerNow(meta, flushing, flushed.preread);
      }
      const group = await storage.get<DebounceGroup>("group");
      const stillPending = [...(await storage.list<PendingMessage>({ prefix: "p:" })).values()].some((p) => p.groupId === group?.id);
      if (group && Date.now() >= group.deadline && !stillPending) {
        // Moved aside first, so messages accepted while the flush awaits Postgres open a new group.
        await storage.put("flushing", group);
        await storage.delete("group");
        const flushed = await this.flushGroup(meta, group);
        if (!flushed) return;
        this.answerNow(meta, group, flushed.preread);
      }
      await this.scheduleNext();
      await this.pruneSeen();
    } finally {
      await this.idle();
    }
  }

  /**
   * Moves pending messages and raw deliveries to Postgres. False when it failed and scheduled a retry.
   *
   * Poison: a batch Postgres refuses (see refusalOf) is retried one message at a time; a message
   * refused on REFUSALS_BEFORE_SET_ASIDE attempts is set aside as a rejected delivery in the channel's
   * event log, so it never blocks the messages behind it. While Postgres is merely unavailable, nothing
   * is set aside: the batch waits, with backoff, for as long as it takes.
   */
  private async persistPending(meta: ThreadMeta): Promise<boolean> {
    const storage = this.ctx.storage;
    const pendingAll = await storage.list<PendingMessage>({ prefix: "p:" });
    const rawsAll = await storage.list<RawDelivery>({ prefix: "r:" });
    if (pendingAll.size === 0 && rawsAll.size === 0) return true;
    const refusal = await storage.get<Refusal>("refusal");
    // One at a time while a refusal is being isolated; the raw log goes once the messages are through.
    const pending = refusal ? [...pendingAll].slice(0, 1) : [...pendingAll];
    const raws = refusal && pending.length > 0 ? [] : [...rawsAll];
    for (const [key, p] of pending) {
      if (!p.id) {
        p.id = crypto.randomUUID();
        await storage.put(key, p);
      }
    }
    const known = await storage.get<KnownThread & { at: number }>("known");
    const fresh = known && Date.now() - known.at < KNOWN_TTL_MS ? known : undefined;
    try {
      const rows = pending.map(([, p]) => ({ id: p.id!, message: p.message, acceptedAt: p.acceptedAt }));
      await this.fault("persist", rows.map((r) => r.message.externalId));
      const outcome = await storeBatch(this.database(), meta, rows, raws.map(([, r]) => r), fresh);
      await this.fault("afterPersistCommit");
      await this.recordStored(meta, pending.map(([, p]) => p), outcome, [...pending.map(([k]) => k), ...raws.map(([k]) => k)]);
      if (refusal && pending.length > 0 && pending[0]![0] === refusal.key) await storage.delete("refusal");
      await storage.delete("retry");
      return true;
    } catch (err) {
      const refused = refusalOf(err);
      if (!refused) {
        const attempts = ((await storage.get<number>("retry")) ?? 0) + 1;
        await storage.put("retry", attempts);
        await storage.setAlarm(Date.now() + Math.min(MAX_RETRY_MS, 250 * 2 ** attempts));
        this.log(meta).warn("thread: Postgres unavailable; messages kept in the object", { attempts, error: describeFailure(err) });
        return false;
      }
      if (fresh) {
        // The conversation the object remembered may be gone (deleted, merged): resolve it afresh first.
        await storage.delete("known");
        await storage.setAlarm(Date.now());
        return false;
      }
      const first = pending[0];
      if (!first) {
        // Only raw log entries, already made storable at the edge: log the oddity, keep the messages moving.
        this.log(meta).error("thread: Postgres refused a raw delivery log entry; dropped", { code: refused.code });
        await storage.delete(raws.map(([k]) => k));
        await storage.setAlarm(Date.now());
        return false;
      }
      const count = refusal?.key === first[0] ? refusal.count + 1 : pending.length > 1 ? 0 : 1;
      if (count >= REFUSALS_BEFORE_SET_ASIDE) {
        await this.setAsideMessage(meta, first[0], first[1], `set aside: Postgres refused it (${refused.code}): ${refused.message}`);
      } else {
        await storage.put("refusal", { key: first[0], count } satisfies Refusal);
        await storage.setAlarm(Date.now() + 100 * 2 ** count);
      }
      this.log(meta).warn("thread: Postgres refused a batch; isolating the message it refuses", { code: refused.code, attempts: count });
      return false;
    }
  }

  private async setAsideMessage(meta: ThreadMeta, key: string, p: PendingMessage, reason: string) {
    const storage = this.ctx.storage;
    try {
      await setAside(this.database(), meta, { id: p.id!, message: p.message, acceptedAt: p.acceptedAt }, reason);
    } catch (err) {
      if (!refusalOf(err)) {
        await storage.setAlarm(Date.now() + 1000); // Postgres went away meanwhile: set it aside later
        return;
      }
      // Even the log entry is refused: the message cannot be kept anywhere in Postgres. Say so loudly.
      this.log(meta).error("thread: message dropped; Postgres refused it and its set-aside record", { external_id: p.message.externalId });
    }
    await storage.delete([key, "refusal"]);
    await storage.setAlarm(Date.now());
  }

  /** After a commit: the group learns its message ids, the batch leaves the object, live clients hear of it. */
  private async recordStored(meta: ThreadMeta, pending: PendingMessage[], outcome: PersistOutcome | undefined, keys: string[]) {
    const storage = this.ctx.storage;
    const writes: Record<string, unknown> = {};
    if (outcome) {
      if (outcome.conversationId !== (await storage.get<KnownThread>("known"))?.conversationId) {
        writes.known = { contactId: outcome.contactId, conversationId: outcome.conversationId, at: Date.now() };
      }
      const byExternal = new Map<string, string>([...outcome.stored.earlier.map((m) => [m.externalId, m.id] as const), ...outcome.stored.inserted.map((m) => [m.externalId!, m.id] as const)]);
      for (const key of ["group", "flushing"] as const) {
        const group = await storage.get<DebounceGroup>(key);
        if (!group) continue;
        const ids = pending.filter((p) => p.groupId === group.id).map((p) => byExternal.get(p.message.externalId)).filter((id): id is string => !!id && !group.messageIds.includes(id));
        if (ids.length === 0) continue;
        group.messageIds.push(...ids);
        group.conversationId ??= outcome.conversationId;
        group.contactId ??= outcome.contactId;
        writes[key] = group;
      }
      for (const e of outcome.stored.events) writes[`e:${e.id}`] = e;
    }
    // One implicit storage transaction (no await between): group membership, the events to send and
    // the batch's removal happen together or not at all.
    if (Object.keys(writes).length > 0) void storage.put(writes);
    await storage.delete(keys);
    if (outcome) for (const m of outcome.stored.inserted) this.broadcast({ type: "message.created", conversation_id: outcome.conversationId, message: toMessage(m) });
    await this.sendHeldEvents(meta);
  }

  /**
   * Sends the outbox events this object took over (written already marked published, see
   * storeBatchStatement) and forgets them once the queue has them. A failed send is retried on the
   * next alarm; consumers are idempotent, so a send repeated after a stop is harmless.
   */
  private async sendHeldEvents(meta: ThreadMeta) {
    const storage = this.ctx.storage;
    const held = await storage.list<OutboxMessage>({ prefix: "e:" });
    if (held.size === 0) return;
    try {
      await this.env.OUTBOX_QUEUE.sendBatch([...held.values()].map((body) => ({ body, contentType: "json" as const })));
      await storage.delete([...held.keys()]);
    } catch (err) {
      this.log(meta).warn("thread: queue send failed; events kept for the next alarm", { error: describeFailure(err) });
      const next = await storage.getAlarm();
      if (next === null || next > Date.now() + 5000) await storage.setAlarm(Date.now() + 5000);
    }
  }

  /**
   * Closes a group: one statement, exactly one `message_group.ready`. Undefined when it must be retried.
   * When no bot turn is under way here, the same round trip reads what the group's turn needs, which
   * then starts at once (see answerNow).
   */
  private async flushGroup(meta: ThreadMeta, group: DebounceGroup): Promise<{ preread?: PreRead } | undefined> {
    const storage = this.ctx.storage;
    if (group.messageIds.length === 0) {
      // Every message was already in Postgres (provider retries across objects) or set aside: nothing to answer.
      await storage.delete("flushing");
      return {};
    }
    let preread: PreRead | undefined;
    try {
      const reading =
        this.readWithClose && this.turnsInFlight === 0 && group.conversationId
          ? await groupTurnReading(storage, meta.tenantId, { group_id: group.id, conversation_id: group.conversationId, message_ids: group.messageIds })
          : undefined;
      const closed = await closeGroup(this.database(), meta, group, reading);
      preread = closed.preread;
      await this.fault("afterGroupCommit");
      // The newest closed group: a bot turn for any older one is stale (see bot.ts).
      const writes: Record<string, unknown> = { "bot:latest": group.id };
      for (const e of closed.events) writes[`e:${e.id}`] = e;
      void storage.put(writes);
      await storage.delete("flushing");
      this.readWithClose = true;
    } catch (err) {
      // Retried without the reading, so a read that fails can never hold the group's close back.
      this.readWithClose = false;
      const attempts = ((await storage.get<number>("retry")) ?? 0) + 1;
      await storage.put("retry", attempts);
      await storage.setAlarm(Date.now() + Math.min(MAX_RETRY_MS, 250 * 2 ** attempts));
      this.log(meta).warn("thread: closing the group failed; will retry", { attempts, error: describeFailure(err) });
      return undefined;
    }
    await this.sendHeldEvents(meta);
    return { preread };
  }

  private database(): Database {
    this.db ??= new Database(loadConfig(this.env), "parley-thread");
    return this.db;
  }

  /**
   * The connection stays open while the next alarm is near (a burst, a retry, a short debounce) and is
   * closed when the thread goes quiet, so thousands of idle threads hold no connections.
   */
  private async idle() {
    if (!this.db) return;
    const next = await this.ctx.storage.getAlarm();
    if (next !== null && next - Date.now() <= KEEP_CONNECTION_MS) return;
    const db = this.db;
    this.db = undefined;
    await db.close();
  }

  private async scheduleNext() {
    const storage = this.ctx.storage;
    const group = await storage.get<DebounceGroup>("group");
    const hasPending = (await storage.list({ prefix: "p:", limit: 1 })).size > 0;
    const timer = await storage.get<BotTimer>("bot:timer");
    const due = [hasPending ? Date.now() + 250 : undefined, group?.deadline, timer?.at, await nextSlaTimer(storage)].filter((t): t is number => t !== undefined);
    if (due.length > 0) await storage.setAlarm(Math.min(...due));
  }

  private async pruneSeen() {
    const cutoff = Date.now() - SEEN_TTL_MS;
    const seen = await this.ctx.storage.list<number>({ prefix: "x:", limit: 500 });
    const stale = [...seen].filter(([, at]) => at < cutoff).map(([k]) => k);
    if (stale.length > 0) await this.ctx.storage.delete(stale);
  }

  // ---- live updates (WebSocket hibernation API) ----

  override async fetch(request: Request): Promise<Response> {
    return acceptLiveSocket(this.ctx, request);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    onLiveMessage(ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number) {
    try {
      ws.close(code, "closing");
    } catch {
      // already closed
    }
  }

  /** Ends the agent sockets of a session or a user here (logout, removal, role change); returns how many are left open. */
  async closeAgentSockets(match: { sessionId?: string; userId?: string }, reason: string): Promise<number> {
    closeWhere(this.ctx, match, reason);
    return openAgentSockets(this.ctx);
  }

  /** Sets (or with `at: null` drops) a conversation's SLA timer on this object's alarm (see sla-timers.ts). */
  async scheduleSla(input: { conversationId: string; at: number | null }): Promise<void> {
    await scheduleSlaTimer(this.ctx.storage, input);
  }

  /** Pushes an event to every live client of its conversation (agents' inbox, the web chat widget). */
  async notify(event: LiveEvent): Promise<void> {
    this.broadcast(event);
  }

  private broadcast(event: LiveEvent) {
    // Only to sockets whose access is still current (see live-sockets.ts).
    sendToTag(this.ctx, event.conversation_id, JSON.stringify(event));
    // Customers see messages only, without internal fields (who on the team sent it, provider ids, annotations).
    if (event.type === "message.created" || event.type === "message.updated") {
      const m = event.message as { id: string; direction: string; content: unknown; status: string; created_at: string };
      sendToTag(this.ctx, "visitor", JSON.stringify({ type: event.type, message: { id: m.id, direction: m.direction, content: m.content, status: m.status, created_at: m.created_at } }));
    }
  }

  /**
   * What a provider answered for an outbound message whose outcome Postgres would not take (see
   * deliverOutbound): kept here, beside its conversation, until a redelivery records it instead of
   * sending the message a second time.
   */
  async rememberSend(messageId: string, outcome: SentOutcome): Promise<void> {
    await this.ctx.storage.put(`sent:${messageId}`, { ...outcome, at: Date.now() });
  }

  /** The remembered outcome of a send, if one is waiting to be recorded. */
  async rememberedSend(messageId: string): Promise<SentOutcome | undefined> {
    return this.ctx.storage.get<SentOutcome>(`sent:${messageId}`);
  }

  /** Forgets a remembered outcome once Postgres holds it. */
  async forgetSend(messageId: string): Promise<void> {
    await this.ctx.storage.delete(`sent:${messageId}`);
  }

  // ---- tests only ----

  /** Makes the next pass of a step fail (test environment only): proves retries change nothing. */
  async injectFault(step: "persist" | "afterPersistCommit" | "afterGroupCommit" | "afterBotCommit", times = 1): Promise<void> {
    if (loadConfig(this.env).ENVIRONMENT !== "test") throw new Error("fault injection is for tests only");
    await this.ctx.storage.put(`fault:${step}`, times);
  }

  /**
   * Makes Postgres "refuse" every batch holding this message (test environment only), as it would a
   * value it cannot store, so the set-aside path can be shown without weakening the edge's validation.
   */
  async injectRefusal(externalId: string): Promise<void> {
    if (loadConfig(this.env).ENVIRONMENT !== "test") throw new Error("fault injection is for tests only");
    await this.ctx.storage.put(`fault:refuse:${externalId}`, true);
  }

  /** How often each injected fault fired: a fault test that never fired proves nothing. */
  async faultsFired(): Promise<Record<string, number>> {
    return Object.fromEntries([...(await this.ctx.storage.list<number>({ prefix: "fired:" }))].map(([k, v]) => [k.slice(6), v]));
  }

  private async fault(step: string, externalIds: string[] = []) {
    const storage = this.ctx.storage;
    for (const id of externalIds) {
      if (await storage.get(`fault:refuse:${id}`)) {
        await storage.put("fired:refuse", ((await storage.get<number>("fired:refuse")) ?? 0) + 1);
        throw Object.assign(new Error(`injected refusal of ${id}`), { code: "22P05" });
      }
    }
    const left = await storage.get<number>(`fault:${step}`);
    if (!left) return;
    await storage.put({ [`fault:${step}`]: left - 1, [`fired:${step}`]: ((await storage.get<number>(`fired:${step}`)) ?? 0) + 1 });
    throw new Error(`injected fault at ${step}`);
  }

  private log(meta: ThreadMeta) {
    return createLogger({ thread: meta.threadKey, tenant_id: meta.tenantId }, loadConfig(this.env).ENVIRONMENT === "test");
  }
}
