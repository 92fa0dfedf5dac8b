/**
 * The thread object's bot state: it is the single writer of each conversation's running flow (current
 * node, variables, the pending `ask`/`wait` timer), so turns run here one at a time, in order.
 *
 * Storage keys:
 * - `bot:state`  {conversationId, state}: the flow state after the last turn;
 * - `bot:carry`  message ids of groups a newer group superseded: answered with it, "both in view";
 * - `bot:timer`  {at, node, key, conversationId}: the flow's durable timer (ask timeout, wait);
 * - `bot:latest` the id of the group closed last (a turn for an older one is stale);
 * - `x:bot:<turn key>` when that turn was taken (pruned with the seen ids).
 */
import { Database } from "../../src/db/client";
import type { FlowState } from "../../src/flows/interpreter";
import { loadConfig, type Env } from "../../src/env";
import { createLogger } from "../../src/lib/log";
import { type OutboxMessage, publishEvents, publishOutbox } from "../../src/queues/outbox-relay";
import { answerTurn, type BotTurnResult, type PreRead } from "../../src/services/bot/answer";
import type { ServiceContext } from "../../src/services/context";
import { sendOutbound, type SendThread } from "../../src/queues/senders/outbound";

export interface BotTimer {
  at: number;
  node: string;
  key: string;
  conversationId: string;
}

export interface GroupReady {
  group_id: string;
  conversation_id: string;
  message_ids: string[];
}

type Turn = { kind: "group"; group: GroupReady } | { kind: "timer"; timer: BotTimer };

/** What a turn starts from, in this object's storage: undefined when the turn was taken already. */
async function turnInputs(storage: DurableObjectStorage, turn: Turn) {
  const key = turn.kind === "group" ? turn.group.group_id : turn.timer.key;
  if ((await storage.get(`x:bot:${key}`)) !== undefined) return undefined;
  const conversationId = turn.kind === "group" ? turn.group.conversation_id : turn.timer.conversationId;
  const saved = await storage.get<{ conversationId: string; state: FlowState }>("bot:state");
  const state = saved?.conversationId === conversationId ? saved.state : undefined;
  const carry = turn.kind === "group" ? ((await storage.get<string[]>("bot:carry")) ?? []) : [];
  const messageIds = turn.kind === "group" ? [...new Set([...carry, ...turn.group.message_ids])] : [];
  return { key, conversationId, state, messageIds };
}

/**
 * What the turn of a group about to close will read, for the statement that closes it to carry (see
 * flushGroup): undefined when that turn was taken already. The turn checks it is still its own.
 */
export async function groupTurnReading(storage: DurableObjectStorage, tenantId: string, group: GroupReady) {
  const inputs = await turnInputs(storage, { kind: "group", group });
  if (!inputs) return undefined;
  const underWay = inputs.state !== undefined && inputs.state.done !== "ended";
  return { underWay, messageIds: inputs.messageIds, turn: { tenantId, conversationId: inputs.conversationId, messageIds: inputs.messageIds } };
}

/**
 * `fault` lets a test stop the object between the turn's commit and its own record of it (see
 * injectFault). `preread`: the turn's reading, made ahead with its group's close. `threadOf`: the thread
 * object a reply's send reports to (this one, for its own conversations), when this object sends the
 * turn's replies itself (without it, they take the queue).
 */
export async function takeBotTurn(
  storage: DurableObjectStorage,
  env: Env,
  tenantId: string,
  turn: Turn,
  fault: (step: "afterBotCommit") => Promise<void> = async () => {},
  preread?: PreRead,
  threadOf?: (tenantId: string, threadKey: string) => SendThread,
): Promise<BotTurnResult> {
  const inputs = await turnInputs(storage, turn);
  // Taken already: that turn checked the SLA clock after it, so this one has nothing to check either.
  if (!inputs) return { status: "already", replies: [], slaMayApply: false };
  const { key, conversationId, state, messageIds } = inputs;

  // A turn is stale once the customer wrote again: a newer group closed, or new messages wait.
  const isSuperseded = async () => {
    if ((await storage.list({ prefix: "p:", limit: 1 })).size > 0) return true;
    const open = await storage.get<{ messageIds: string[] }>("group");
    if (open) return true;
    if (turn.kind === "group") return ((await storage.get<string>("bot:latest")) ?? turn.group.group_id) !== turn.group.group_id;
    return false;
  };

  const config = loadConfig(env);
  // Its own database: the alarm's persistence may run at the same time. Most turns never open its
  // connection (their reading and their commit are one HTTP round trip each).
  const db = new Database(config, "parley-bot");
  const ctx: ServiceContext = { requestId: `bot:${key}`, config, env, db, log: createLogger({ bot: key, tenant_id: tenantId }, config.ENVIRONMENT === "test"), tenantId, actor: { type: "system", name: "bot" } };
  try {
    const result = await answerTurn(ctx, { tenantId, conversationId, key, groupId: turn.kind === "group" ? turn.group.group_id : null, messageIds, ...(turn.kind === "timer" && { timer: true }), ...(state && { state }) }, isSuperseded, preread);
    await fault("afterBotCommit");
    const writes: Record<string, unknown> = { [`x:bot:${key}`]: Date.now() };
    const remove: string[] = [];
    if (result.status === "superseded") {
      // A group's messages wait for the newer group; a timer that the customer's new message beat is moot.
      if (turn.kind === "group") writes["bot:carry"] = messageIds;
      else remove.push("bot:timer");
    } else {
      if (turn.kind === "group") remove.push("bot:carry");
      if (result.state) writes["bot:state"] = { conversationId, state: result.state };
      if (result.timer) writes["bot:timer"] = { at: Date.parse(result.timer.at), node: result.timer.node, key: crypto.randomUUID(), conversationId } satisfies BotTimer;
      else if (result.status === "answered") remove.push("bot:timer");
    }
    void storage.put(writes);
    if (remove.length) await storage.delete(remove);
    // The sweep catches what this misses (a send or a mark that fails leaves the events unpublished).
    if (result.events?.length) {
      // The replies go to the provider from here, in order, not through the queue and back to a
      // consumer; a send that fails hands its event, and those after it, to the queue (which retries
      // with backoff). The other events take the queue.
      const here = (e: OutboxMessage) => threadOf !== undefined && e.type === "message.outbound";
      const outbound = result.events.filter(here);
      const rest = result.events.filter((e) => !here(e));
      if (rest.length) await publishEvents(db, env, tenantId, rest).catch(() => {});
      for (const [i, event] of outbound.entries()) {
        try {
          await sendOutbound(ctx, (event.payload as { message_id: string }).message_id, threadOf!, event.id);
        } catch (err) {
          ctx.log.warn("bot reply send failed here; the queue retries it", { event_id: event.id, error: err instanceof Error ? err.message : String(err) });
          await publishEvents(db, env, tenantId, outbound.slice(i)).catch(() => {});
          break;
        }
      }
    } else if (result.replies.length > 0) await publishOutbox(db, env, tenantId).catch(() => {});
    return result;
  } finally {
    await db.close();
  }
}

/** A due flow timer, if any. */
export async function dueBotTimer(storage: DurableObjectStorage, now = Date.now()): Promise<BotTimer | undefined> {
  const timer = await storage.get<BotTimer>("bot:timer");
  return timer && timer.at <= now ? timer : undefined;
}
