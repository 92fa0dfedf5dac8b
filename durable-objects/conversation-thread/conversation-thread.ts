import { DurableObject } from "cloudflare:workers";
import { Database } from "../../src/db/client";
import { messageGroups } from "../../src/db/schema";
import { loadConfig, type Env } from "../../src/env";
import { createLogger } from "../../src/lib/log";
import { publishEvents, publishOutbox } from "../../src/queues/outbox-relay";
import { emitEvents } from "../../src/services/audit";
import { toMessage } from "../../src/services/conversations/model";
import { persistPending, type KnownThread } from "./persist";
import type { AcceptInput, AcceptResult, DebounceGroup, LiveEvent, PendingMessage, RawDelivery, ThreadMeta } from "./types";

const SEEN_TTL_MS = 8 * 24 * 3600 * 1000; // providers retry for up to 7 days
const MAX_RETRY_MS = 60_000;
/**
 * How long the object trusts its memory of the thread's contact and conversation. Within it, a message
 * on a conversation resolved meanwhile reopens that conversation (the write reopens it in place).
 */
const KNOWN_TTL_MS = 24 * 3600 * 1000;
const pad = (n: number) => String(n).padStart(12, "0");

function send(sockets: WebSocket[], data: string) {
  for (const ws of sockets) {
    try {
      ws.send(data);
    } catch {
      // a socket closing under us is not an error for the others
    }
  }
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
      writes[`p:${pad(seq)}`] = { seq, message, acceptedAt: now, groupId: group.id } satisfies PendingMessage;
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
    const pending = await storage.list<PendingMessage>({ prefix: "p:" });
    const raws = await storage.list<RawDelivery>({ prefix: "r:" });
    if (pending.size > 0 || raws.size > 0) {
      try {
        await this.persist(meta, [...pending.values()], [...raws.values()], [...pending.keys(), ...raws.keys()]);
        await storage.delete("retry");
      } catch (err) {
        const attempts = ((await storage.get<number>("retry")) ?? 0) + 1;
        await storage.put("retry", attempts);
        await storage.setAlarm(Date.now() + Math.min(MAX_RETRY_MS, 250 * 2 ** attempts));
        this.log(meta).warn("thread: Postgres write failed; messages kept in the object", { attempts, error: err instanceof Error ? err.message : String(err) });
        return;
      }
    }
    // A group that was being flushed when an earlier attempt failed goes first (same id: no double).
    const flushing = await storage.get<DebounceGroup>("flushing");
    if (flushing) await this.flushGroup(meta, flushing);
    const group = await storage.get<DebounceGroup>("group");
    const stillPending = [...(await storage.list<PendingMessage>({ prefix: "p:" })).values()].some((p) => p.groupId === group?.id);
    if (group && Date.now() >= group.deadline && !stillPending) {
      // Moved aside first, so messages accepted while the flush awaits Postgres open a new group.
      await storage.put("flushing", group);
      await storage.delete("group");
      await this.flushGroup(meta, group);
    }
    await this.scheduleNext();
    await this.pruneSeen();
  }

  private async persist(meta: ThreadMeta, pending: PendingMessage[], raws: RawDelivery[], keys: string[]) {
    await this.fault("persist");
    const db = new Database(loadConfig(this.env));
    try {
      const storage = this.ctx.storage;
      const known = await storage.get<KnownThread & { at: number }>("known");
      const fresh = known && Date.now() - known.at < KNOWN_TTL_MS ? known : undefined;
      const result = await db.scoped({ tenantId: meta.tenantId }, (tx) => persistPending(tx, meta, pending, raws, fresh));
      if (result && result.conversationId !== fresh?.conversationId) {
        await storage.put("known", { contactId: result.contactId, conversationId: result.conversationId, at: Date.now() });
      }
      if (result && result.inserted.length > 0) {
        // Each message joins the group it was accepted into (the open one, or one being flushed).
        const byExternal = new Map(result.inserted.map((m) => [m.externalId, m.id]));
        for (const key of ["group", "flushing"] as const) {
          const group = await storage.get<DebounceGroup>(key);
          if (!group) continue;
          const ids = pending.filter((p) => p.groupId === group.id).map((p) => byExternal.get(p.message.externalId)).filter((id): id is string => !!id);
          if (ids.length === 0) continue;
          group.messageIds.push(...ids);
          group.conversationId ??= result.conversationId;
          group.contactId ??= result.contactId;
          await storage.put(key, group);
        }
      }
      await storage.delete(keys);
      if (result) for (const m of result.inserted) this.broadcast({ type: "message.created", conversation_id: result.conversationId, message: toMessage(m) });
      if (result) await publishEvents(db, this.env, meta.tenantId, result.events).catch(() => {}); // the cron sweep catches what this misses
    } finally {
      await db.close();
    }
  }

  private async flushGroup(meta: ThreadMeta, group: DebounceGroup) {
    if (group.messageIds.length === 0) {
      // Every message was already in Postgres (provider retries across objects): nothing to answer.
      await this.ctx.storage.delete("flushing");
      return;
    }
    const db = new Database(loadConfig(this.env));
    try {
      await db.scoped({ tenantId: meta.tenantId }, async (tx) => {
        const inserted = await tx
          .insert(messageGroups)
          .values({
            id: group.id,
            tenantId: meta.tenantId,
            conversationId: group.conversationId!,
            channelId: meta.channelId,
            contactId: group.contactId!,
            messageIds: group.messageIds,
            startedAt: new Date(group.startedAt),
            completedAt: new Date(),
            expiresAt: new Date(group.hardDeadline),
          })
          .onConflictDoNothing()
          .returning({ id: messageGroups.id });
        if (inserted.length === 0) return; // an earlier attempt already committed this group
        await emitEvents(tx, [
          {
            tenantId: meta.tenantId,
            type: "message_group.ready",
            aggregateType: "message_group",
            aggregateId: group.id,
            payload: { group_id: group.id, conversation_id: group.conversationId, contact_id: group.contactId, channel_id: meta.channelId, message_ids: group.messageIds },
          },
        ]);
      });
      await this.fault("afterGroupCommit");
      await this.ctx.storage.delete("flushing");
      await publishOutbox(db, this.env, meta.tenantId).catch(() => {});
    } finally {
      await db.close();
    }
  }

  private async scheduleNext() {
    const storage = this.ctx.storage;
    const group = await storage.get<DebounceGroup>("group");
    const hasPending = (await storage.list({ prefix: "p:", limit: 1 })).size > 0;
    if (hasPending) await storage.setAlarm(Date.now() + 250);
    else if (group) await storage.setAlarm(group.deadline);
  }

  private async pruneSeen() {
    const cutoff = Date.now() - SEEN_TTL_MS;
    const seen = await this.ctx.storage.list<number>({ prefix: "x:", limit: 500 });
    const stale = [...seen].filter(([, at]) => at < cutoff).map(([k]) => k);
    if (stale.length > 0) await this.ctx.storage.delete(stale);
  }

  // ---- live updates (WebSocket hibernation API) ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const audience = request.headers.get("x-parley-audience") === "visitor" ? "visitor" : "agent";
    const conversationId = request.headers.get("x-parley-conversation");
    if (audience === "agent" && !conversationId) return new Response("missing conversation", { status: 400 });
    const pair = new WebSocketPair();
    // Agents' sockets are tagged by conversation, so they hear only the one they opened. The thread is
    // one customer, so the customer's own (web chat visitor) sockets hear every message of the thread.
    // Hibernation keeps idle sockets open without keeping the object in memory.
    this.ctx.acceptWebSocket(pair[1], audience === "visitor" ? ["visitor"] : [conversationId!, "agent"]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    if (message === "ping") ws.send("pong");
  }

  override async webSocketClose(ws: WebSocket, code: number) {
    try {
      ws.close(code, "closing");
    } catch {
      // already closed
    }
  }

  /** Pushes an event to every live client of its conversation (agents' inbox, the web chat widget). */
  async notify(event: LiveEvent): Promise<void> {
    this.broadcast(event);
  }

  private broadcast(event: LiveEvent) {
    send(this.ctx.getWebSockets(event.conversation_id), JSON.stringify(event));
    // Customers see messages only, without internal fields (who on the team sent it, provider ids).
    if (event.type !== "conversation.updated") {
      const m = event.message as { id: string; direction: string; content: unknown; status: string; created_at: string };
      send(this.ctx.getWebSockets("visitor"), JSON.stringify({ type: event.type, message: { id: m.id, direction: m.direction, content: m.content, status: m.status, created_at: m.created_at } }));
    }
  }

  // ---- tests only ----

  /** Makes the next pass of a step fail (test environment only): proves retries change nothing. */
  async injectFault(step: "persist" | "afterGroupCommit", times = 1): Promise<void> {
    if (loadConfig(this.env).ENVIRONMENT !== "test") throw new Error("fault injection is for tests only");
    await this.ctx.storage.put(`fault:${step}`, times);
  }

  private async fault(step: string) {
    const left = await this.ctx.storage.get<number>(`fault:${step}`);
    if (!left) return;
    await this.ctx.storage.put(`fault:${step}`, left - 1);
    throw new Error(`injected fault at ${step}`);
  }

  private log(meta: ThreadMeta) {
    return createLogger({ thread: meta.threadKey, tenant_id: meta.tenantId }, loadConfig(this.env).ENVIRONMENT === "test");
  }
}
