/**
 * One bot turn for a conversation: a closed message group (or a flow timer firing) is understood, the
 * conversation's flow version runs on it, and everything it decided — annotations, replies (as
 * outbound messages with their `message.outbound` events), tickets, escalation, reservations, the
 * action log, the call summary — commits in one transaction, once per turn key (processed_events).
 * The reading is one round trip; most turns also commit in one (see quickTurn), and the rest hold a
 * transaction open while the flow runs (see transactionalTurn).
 *
 * The caller is the conversation's thread object, the single writer of bot state: it passes the state
 * in, keeps the state that comes out, and tells (just before commit) whether a newer group has
 * superseded this one, in which case nothing is written and its messages are answered with the next.
 */
import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { HttpDb, ReadDb, Tx } from "../../db/client";
import { uniqueViolation } from "../../db/failures";
import { channels, contacts, conversations, knowledgeQueries, messageAnnotations, messages, outboxEvents, processedEvents, tenants } from "../../db/schema";
import { run, type FlowInput, type FlowPorts, type FlowRunResult, type FlowState } from "../../flows/interpreter";
import { checkMessageQuota, type QuotaDecision } from "../../../durable-objects/tenant-quota/client";
import { AppError } from "../../lib/errors";
import { claimOnce } from "../../queues/outbox-consumer";
import { emitEvent } from "../audit";
import type { ServiceContext } from "../context";
import { contentText } from "../conversations/model";
import { type OutboxMessage, outboxMessage } from "../../queues/outbox-relay";
import { callSummaryUpsert, recordEscalation, storeCallSummary } from "../escalations/escalations";
import { cleanSummary, composeSummary, customerLinesQuery, type SummaryLine, toSummaryLines } from "../escalations/summary";
import { channelFlowQuery, ensureDefaultFlow, flowStepsInsert, loadFlowVersion, recordFlowSteps, resolveFlowForChannel, runnable, type FlowVersionRow, type RunnableFlow } from "../flows/runtime";
import { bookReservation } from "../reservations/reservations";
import { openTicket } from "../tickets/tickets";
import { type KnowledgeRecord, knowledgePortFor, oneTripKnowledgePort } from "../knowledge/query";
import { callHttpsTarget, flowSigningSecret } from "./http-port";
import { slaMayApplyToQuery } from "../sla/clocks";
import { annotateMessages, groupView, type AnnotatedMessage } from "./understand-group";

export interface BotTurn {
  tenantId: string;
  conversationId: string;
  /** Idempotency key: the group id, or the timer's key. A turn with a key already taken does nothing. */
  key: string;
  groupId: string | null;
  /** Inbound messages to answer (the group's, plus any of superseded groups), oldest first. */
  messageIds: string[];
  timer?: boolean;
  state?: FlowState;
}

export interface BotTurnResult {
  status: "answered" | "already" | "superseded" | "silent";
  reason?: string;
  state?: FlowState;
  timer?: FlowRunResult["timer"];
  outcome?: FlowRunResult["outcome"];
  replies: Array<typeof messages.$inferSelect>;
  /** The inbound messages' annotations this turn stored, for the inbox's live view. */
  annotated?: Array<{ id: string; conversationId: string; annotations: Record<string, unknown> }>;
  /**
   * The outbox events the turn wrote, when it knows them all (the one-trip commit): its caller sends
   * them itself. Without them, the caller publishes the workspace's pending events.
   */
  events?: OutboxMessage[];
  /** False when the conversation can have no SLA clock (none, and no enabled policy): no check is due after the turn. */
  slaMayApply?: boolean;
}

class Superseded extends Error {}

/** A failing step must not abort the turn's transaction: each side effect runs in its own savepoint. */
const inSavepoint = <T>(tx: Tx, fn: (sp: Tx) => Promise<T>) => tx.transaction((sp) => fn(sp as unknown as Tx));

/**
 * The call summary of a turn that ends or hands over. `earlier`: what the customer wrote before this
 * turn's messages, oldest first, so the summary starts where the conversation did (an agent taking over
 * "quiero hablar con una persona" wants to know what it was about).
 */
function summaryOf(annotated: AnnotatedMessage[], result: FlowRunResult, earlier: SummaryLine[] = []) {
  const view = groupView(annotated);
  const actions = result.actions.map((a) => {
    if (a.type === "create_ticket") return `Ticket ${(a.result as { ticket_number?: string } | undefined)?.ticket_number ?? ""} opened: ${a.title}`.trim();
    if (a.type === "escalate") return `Handed to a human${a.reason ? `: ${a.reason}` : ""}`;
    if (a.type === "reservation") return `Reservation ${(a.result as { confirmation_code?: string } | undefined)?.confirmation_code ?? "attempted"}`;
    return "";
  });
  const lines = [...earlier, ...annotated.map((m) => ({ text: m.text, intent: m.annotations.intent, sentiment: m.annotations.sentiment, language: m.annotations.language }))];
  return cleanSummary(composeSummary(lines, { actions, resolved: result.outcome === "ended", ...(view && { language: view.language }) }));
}

type Conversation = typeof conversations.$inferSelect;

/** The customer's messages before this turn's, oldest first (the last SUMMARY_HISTORY), for its summary. */
async function earlierCustomerLines(db: ReadDb, conversationId: string, turnInbound: Array<{ sequence: number }>): Promise<SummaryLine[]> {
  return toSummaryLines(await customerLinesQuery(db, conversationId, firstSequence(turnInbound)));
}

/** Where a turn's own messages start: what came before is "earlier" (undefined for a timer's turn, which has none). */
const firstSequence = (inbound: Array<{ sequence: number }>) => (inbound.length ? Math.min(...inbound.map((m) => m.sequence)) : undefined);

/** What a turn reads before it decides anything: one round trip (see readTurn). */
export interface TurnRead {
  conversation: Conversation;
  contact: typeof contacts.$inferSelect | undefined;
  channelType: string | null;
  inbound: Array<typeof messages.$inferSelect>;
  /**
   * The flow version the turn runs, when the batch could read it: for a flow under way the version the
   * conversation is pinned to, else the channel's published one (see pinnedTo).
   */
  flow: RunnableFlow | null;
  slaMayApply: boolean;
}

/** Everything the turn decided from its reading, before it writes: shared by both ways of committing. */
interface TurnPlan {
  turn: BotTurn;
  read: TurnRead;
  annotated: AnnotatedMessage[];
  view: AnnotatedMessage["annotations"] | undefined;
  /** Nobody answers: a human took over, or the flow handed over. */
  paused: boolean;
  prior: FlowState | undefined;
  /** A run is under way (waiting on an `ask` or a `wait`): it keeps the version it started on. */
  underWay: boolean;
}

export async function answerTurn(ctx: ServiceContext, turn: BotTurn, isSuperseded: () => Promise<boolean>, preread?: PreRead): Promise<BotTurnResult> {
  // A run that ended starts over at the flow's start on the next group, keeping its variables (what it
  // learned: that it greeted, an answer it asked for), as the simulator does; it is not under way, so it
  // takes the channel's published version, not the one it ran.
  const prior = turn.state;
  const underWay = prior !== undefined && prior.done !== "ended";
  const read = preread && preread.underWay === underWay && sameIds(preread.messageIds, turn.messageIds) ? preread.read : await readTurn(ctx, turn, underWay);
  if (!read) return { status: "silent", reason: "conversation gone", replies: [] };
  const { conversation, contact, inbound } = read;
  const annotated = await annotateMessages(
    ctx,
    turn.tenantId,
    inbound.map((m) => ({ id: m.id, text: contentText(m.content as never) })),
    contact?.language,
  );
  const plan: TurnPlan = {
    turn,
    read,
    annotated,
    view: groupView(annotated),
    // Who answers: nobody after a human took over, or once the flow handed over or cannot run.
    paused: conversation.botPausedAt !== null || conversation.state === "escalated" || turn.state?.done === "escalated",
    prior,
    underWay,
  };
  const result = (await quickTurn(ctx, plan, isSuperseded)) ?? (await transactionalTurn(ctx, plan, isSuperseded));
  // A turn that escalated or raised the priority may start a clock only under a policy, which the reading saw.
  return { ...result, slaMayApply: read.slaMayApply };
}

const sameIds = (a: string[], b: string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * The turn's reading, as statements for one round trip (a non-interactive batch): the conversation, its contact and
 * channel, the group's inbound messages, and the flow version it runs — for a flow under way the one
 * the conversation is pinned to, else the channel's published one (the other ids come from the
 * conversation row as subqueries).
 */
export function turnReadItems(q: HttpDb, turn: Pick<BotTurn, "tenantId" | "conversationId" | "messageIds">, underWay: boolean) {
  const id = turn.conversationId;
  const of = (column: "contact_id" | "channel_id") => sql`(select ${sql.raw(column)} from conversations where id = ${id})`;
  return [
    q.select().from(conversations).where(eq(conversations.id, id)),
    q.select().from(contacts).where(eq(contacts.id, of("contact_id"))),
    q.select({ type: channels.type }).from(channels).where(eq(channels.id, of("channel_id"))),
    q
      .select()
      .from(messages)
      .where(and(turn.messageIds.length ? inArray(messages.id, turn.messageIds) : sql`false`, eq(messages.direction, "inbound")))
      .orderBy(asc(messages.sequence)),
    q.execute(
      underWay
        ? sql`select v.flow_id as "flowId", v.version, v.definition from flow_versions v join conversations c on (v.flow_id, v.version) = (c.flow_id, c.flow_version) where c.id = ${id}`
        : channelFlowQuery(of("channel_id")),
    ),
    q.execute(slaMayApplyToQuery(turn.tenantId, [id])),
  ] as const;
}

/** The turn's reading from the results of turnReadItems' statements, in order. */
export function toTurnRead(results: readonly unknown[]): TurnRead | undefined {
  const [convRows, contactRows, channelRows, inbound, flowRows, clock] = results as unknown as [Conversation[], Array<typeof contacts.$inferSelect>, Array<{ type: string }>, Array<typeof messages.$inferSelect>, { rows: FlowVersionRow[] }, { rows: Array<{ conversation_id: string }> }];
  const conversation = convRows[0];
  if (!conversation) return undefined;
  return { conversation, contact: contactRows[0], channelType: channelRows[0]?.type ?? null, inbound, flow: runnable(flowRows.rows[0]), slaMayApply: clock.rows.length > 0 };
}

async function readTurn(ctx: ServiceContext, turn: BotTurn, underWay: boolean): Promise<TurnRead | undefined> {
  return toTurnRead(await ctx.db.batch({ tenantId: turn.tenantId }, (q) => turnReadItems(q, turn, underWay)));
}

/**
 * A turn's reading made ahead, in the round trip that closed its group (see the thread object's
 * flushGroup): for the turn with these inputs only. A turn whose inputs differ reads again.
 */
export interface PreRead {
  underWay: boolean;
  messageIds: string[];
  read: TurnRead | undefined;
}

/** A conversation keeps the version it started on; a new (or finished) one takes the channel's published one. */
const pinnedTo = (plan: TurnPlan) => !!(plan.underWay && plan.read.conversation.flowId && plan.read.conversation.flowVersion);

/** What the interpreter sees of the turn. */
function flowInput(plan: TurnPlan, now: number): FlowInput {
  const { contact, channelType } = plan.read;
  return {
    messages: plan.annotated.map((m) => ({ text: m.text })),
    ...(plan.view && { annotations: plan.view }),
    contact: { id: contact?.id, name: contact?.name ?? null, email: contact?.emails[0] ?? null, phone: contact?.phones[0] ?? null, language: contact?.language ?? null, attributes: (contact?.attributes as Record<string, unknown>) ?? {} },
    channel: { type: channelType },
    now,
    ...(plan.turn.timer && { timer: true }),
  };
}

/**
 * Most turns touch nothing that needs a transaction held open while the flow runs: a greeting, an
 * `ask`, a condition, a `wait`, a silent turn after a human took over. Those run the flow first and
 * commit everything in one round trip (a non-interactive batch: all or nothing), instead of a
 * connection and a dozen statements each waiting for the last. The claim is a plain insert in the
 * batch, so a turn taken already fails the whole batch on its key and writes nothing.
 *
 * A knowledge answer is searched before the commit without a transaction (see oneTripKnowledgePort);
 * its analytics row and events join the commit.
 *
 * Undefined when the turn needs the transactional path: its flow reached a node with a side effect
 * that reads back inside the transaction (ticket, escalation, reservation, HTTP), the plan refuses its
 * replies, or there is no runnable flow to take.
 */
async function quickTurn(ctx: ServiceContext, plan: TurnPlan, isSuperseded: () => Promise<boolean>): Promise<BotTurnResult | undefined> {
  const { turn, read, annotated, view } = plan;
  // A flow under way on a conversation without a pinned version (none read) takes the transactional path.
  const flow = plan.paused ? null : read.flow;
  if (!plan.paused && !flow) return undefined;
  const started = Date.now();
  let result: FlowRunResult | undefined;
  const knowledge: KnowledgeRecord[] = [];
  if (flow) {
    let needsTransaction = false;
    const inTransaction = async (): Promise<never> => {
      needsTransaction = true;
      throw new Error("this node runs in the turn's transaction");
    };
    const knowledgeAnswer = oneTripKnowledgePort(ctx, turn.tenantId, { conversationId: read.conversation.id, channel: read.channelType }, knowledge);
    result = await run(flow.definition, plan.prior, flowInput(plan, started), { knowledgeAnswer, createTicket: inTransaction, escalate: inTransaction, reserve: inTransaction, http: inTransaction });
    if (needsTransaction) return undefined;
  }
  // A flow that ends writes the call summary, which reads the customer's earlier messages (when the
  // conversation has any): one more round trip, only on such a turn.
  const earlier =
    result?.outcome === "ended" && read.conversation.messageCount > annotated.length
      ? toSummaryLines((await ctx.db.batch({ tenantId: turn.tenantId }, (q) => [customerLinesQuery(q, read.conversation.id, firstSequence(read.inbound))] as const))[0])
      : [];
  // The last moment a newer group can take this turn's place: its reply must not go out stale.
  if (await isSuperseded()) return { status: "superseded", replies: [] };
  const texts = result?.replies.map((r) => r.text) ?? [];
  if (texts.length) {
    const quota = await checkMessageQuota(ctx.env, turn.tenantId, { direction: "outbound", units: texts.length });
    if (!quota.allowed) return undefined; // withheld, and handed to a person, on the transactional path
  }
  const replyIds = texts.map(() => crypto.randomUUID());
  const index: { annotations?: number; replies?: number; events?: number; knowledgeEvents?: number } = {};
  let out: unknown[];
  try {
    out = (await ctx.db.batch({ tenantId: turn.tenantId }, (q) => {
      const statements: unknown[] = [q.insert(processedEvents).values({ tenantId: turn.tenantId, consumer: BOT_TURN, eventId: turn.key })];
      const add = (s: unknown) => statements.push(s) - 1;
      if (annotated.length) index.annotations = add(annotationsInsert(q, turn, annotated));
      if (view) add(readingUpdate(q, read.conversation, view));
      if (flow && result) {
        if (texts.length) {
          index.replies = add(repliesInsert(q, read.conversation, replyIds, texts));
          index.events = add(q.execute(outboundEvents(turn.tenantId, read.conversation, replyIds, SEND_HOLD_SECONDS)));
        }
        add(afterTurnUpdate(q, read.conversation, flow, { replies: texts.length }));
        const steps = flowStepsInsert(q, { tenantId: turn.tenantId, conversationId: read.conversation.id, groupId: turn.groupId, flowId: flow.flowId, version: flow.version, steps: result.steps, durationMs: Date.now() - started });
        if (steps) add(steps);
        if (result.outcome === "ended") add(callSummaryUpsert(q, turn.tenantId, { conversation_id: read.conversation.id, ...summaryOf(annotated, result, earlier) }));
        if (knowledge.length) {
          add(q.insert(knowledgeQueries).values(knowledge.map((k) => k.query)));
          index.knowledgeEvents = add(
            q
              .insert(outboxEvents)
              .values(knowledge.flatMap((k) => k.events).map((e) => ({ id: crypto.randomUUID(), ...e })))
              .returning(),
          );
        }
      }
      return statements as unknown as readonly [BatchItem<"pg">];
    })) as unknown as unknown[];
  } catch (err) {
    if (claimTaken(err)) return { status: "already", replies: [] };
    throw err;
  }
  const stored = new Set(index.annotations === undefined ? [] : (out[index.annotations] as Array<{ id: string }>).map((r) => r.id));
  const annotatedLive = liveOf(plan, stored);
  if (!flow || !result) return pausedTurn(plan, annotatedLive);
  const replies = index.replies === undefined ? [] : (out[index.replies] as Array<typeof messages.$inferSelect>);
  const outbound = index.events === undefined ? [] : eventsInOrder((out[index.events] as { rows: Array<{ events: OutboxMessage[] }> }).rows[0]?.events ?? [], replyIds);
  // A knowledge answer's (its query's, a model call's), published with the replies'.
  const knowledgeEvents = index.knowledgeEvents === undefined ? [] : (out[index.knowledgeEvents] as Array<typeof outboxEvents.$inferSelect>).map(outboxMessage);
  const events = [...outbound, ...knowledgeEvents];
  return { status: "answered", state: result.state, ...(result.timer && { timer: result.timer }), outcome: result.outcome, replies, annotated: annotatedLive, events };
}

/** The claim's key was taken: an earlier attempt of this turn committed (the batch wrote nothing). */
const claimTaken = (err: unknown) => uniqueViolation(err) === "processed_events_tenant_id_consumer_event_id_pk";

/**
 * The turn with its transaction open while the flow runs: for nodes whose side effects must commit
 * with the turn and whose answers the flow reads back (a ticket's number, a reservation's code or a
 * taken slot, a knowledge answer and its analytics row, a signed HTTP call), and for withheld replies.
 */
async function transactionalTurn(ctx: ServiceContext, plan: TurnPlan, isSuperseded: () => Promise<boolean>): Promise<BotTurnResult> {
  const { turn, read, annotated, view, paused, prior } = plan;
  const { conversation, contact, channelType } = read;
  return ctx.db
    .scoped({ tenantId: turn.tenantId }, async (tx) => {
      if (!(await claimOnce(tx, turn.tenantId, BOT_TURN, turn.key))) return { status: "already", replies: [] } satisfies BotTurnResult;
      const stored = await storeAnnotations(tx, turn, annotated);
      // Only what this turn stored goes live: a message carried over keeps its first (or corrected) reading.
      const live = liveOf(plan, stored);
      if (view) await readingUpdate(tx, conversation, view);
      if (paused) return pausedTurn(plan, live);
      const flow: RunnableFlow | null = pinnedTo(plan) ? await loadFlowVersion(tx, conversation.flowId!, conversation.flowVersion!) : await channelFlow(tx, turn.tenantId, conversation.channelId);
      if (!flow) return { status: "silent", reason: "no published flow", replies: [], annotated: live } satisfies BotTurnResult;

      let escalation: { reason?: string; summary: string } | undefined;
      // What the customer wrote before this turn, read once and only by a turn that hands over or ends.
      let earlier: Promise<SummaryLine[]> | undefined;
      const earlierLines = (db: Tx) => (earlier ??= earlierCustomerLines(db, conversation.id, read.inbound));
      const ports: FlowPorts = {
        // Public passages only, answered only when confident, with the citation's title in the text.
        knowledgeAnswer: knowledgePortFor(ctx, tx, turn.tenantId, { conversationId: conversation.id, channel: channelType }),
        createTicket: (t) =>
          inSavepoint(tx, async (sp) => {
            const ticket = await openTicket(sp, turn.tenantId, { title: t.title.slice(0, 200), conversation_id: conversation.id, ...(t.priority && { priority: t.priority as "P2" }), ...(t.category && { category: t.category }), description: t.summary.slice(0, 10_000) });
            return { id: ticket.id, ticket_number: ticket.ticket_number };
          }),
        escalate: (e) =>
          inSavepoint(tx, async (sp) => {
            // The agent reads the whole request, not only the message that asked for a person.
            const summary = [...(await earlierLines(sp)).map((l) => l.text), e.summary].map((t) => t.trim()).filter(Boolean).join("\n").slice(0, 10_000);
            await recordEscalation(sp, turn.tenantId, { conversation_id: conversation.id, reason: (e.reason ?? "flow escalation").slice(0, 200), summary, ...(view && { priority: view.priority as "P2" }), ...(e.team_id && { requested_team_id: e.team_id }), ...(e.skills && { skills: e.skills }) });
            escalation = { ...e, summary };
          }),
        reserve: async (r) => {
          if (!r.slot_date || !r.slot_time || !contact) return { ok: false, reason: "no slot chosen" };
          try {
            const booked = await inSavepoint(tx, (sp) => bookReservation(sp, turn.tenantId, { contact_id: contact.id, conversation_id: conversation.id, slot_date: r.slot_date!, slot_time: r.slot_time!, ...(r.party_size && { party_size: r.party_size }), ...(r.reservation_type && { reservation_type: r.reservation_type }) }));
            return { ok: true, confirmation_code: booked.confirmation_code, id: booked.id };
          } catch (err) {
            if (err instanceof AppError) return { ok: false, reason: err.message };
            throw err;
          }
        },
        http: async (req) => {
          // The workspace's current secret (POST /v1/flows/signing-secret rotates it).
          const [t] = await tx.select({ generation: tenants.flowSigningGeneration }).from(tenants).where(eq(tenants.id, turn.tenantId));
          return callHttpsTarget(req, { secret: await flowSigningSecret(ctx.config, turn.tenantId, t?.generation ?? 0) });
        },
      };
      const started = Date.now();
      const result = await run(flow.definition, prior, flowInput(plan, started), ports);
      // The last moment a newer group can take this turn's place: its reply must not go out stale.
      if (await isSuperseded()) throw new Superseded();

      // The bot's replies count against the plan exactly like an agent's (replyToConversation): once the
      // flow knows how many it sends, and only for a turn that will commit. Refused, nothing is sent, and a
      // person is asked to take over, with the reason where the owner and the agents look.
      const quota = result.replies.length ? await checkMessageQuota(ctx.env, turn.tenantId, { direction: "outbound", units: result.replies.length }) : undefined;
      const withheld = quota && !quota.allowed ? await withholdReplies(tx, ctx, { tenantId: turn.tenantId, conversationId: conversation.id, priority: view?.priority, count: result.replies.length, decision: quota }) : undefined;
      if (withheld) result.steps.push({ node: "-", type: "message", outcome: "withheld", detail: { reason: withheld.reason, replies: result.replies.length } });

      const texts = withheld ? [] : result.replies.map((r) => r.text);
      const replyIds = texts.map(() => crypto.randomUUID());
      const replies = texts.length ? await repliesInsert(tx, conversation, replyIds, texts) : [];
      if (replies.length) await tx.execute(outboundEvents(turn.tenantId, conversation, replyIds));
      if (withheld) escalation ??= { reason: withheld.reason, summary: withheld.summary };
      const escalated = result.outcome === "escalated" || escalation !== undefined;
      const summary = result.outcome === "ended" || escalated ? summaryOf(annotated, result, await earlierLines(tx)) : undefined;
      await afterTurnUpdate(tx, conversation, flow, { replies: replies.length, ...(escalated && { escalationSummary: escalation?.summary ?? summary!.summary }) });
      await recordFlowSteps(tx, { tenantId: turn.tenantId, conversationId: conversation.id, groupId: turn.groupId, flowId: flow.flowId, version: flow.version, steps: result.steps, durationMs: Date.now() - started });
      if (summary) await storeCallSummary(tx, turn.tenantId, { conversation_id: conversation.id, ...summary });
      return { status: "answered", state: result.state, ...(result.timer && { timer: result.timer }), outcome: result.outcome, replies, annotated: live } satisfies BotTurnResult;
    })
    .catch((err: unknown) => {
      if (err instanceof Superseded) return { status: "superseded", replies: [] } satisfies BotTurnResult;
      throw err;
    });
}

const BOT_TURN = "bot.turn";

/**
 * How long a one-trip turn's `message.outbound` events stay out of the sweep's and other publishers'
 * reach: its thread object sends those replies itself, in order, right after the commit, and hands the
 * events to the queue when a send fails (see takeBotTurn). Only an object that stopped first leaves
 * them to the sweep, after this. As long as a send's claim, so a publisher never finds one mid-send.
 */
const SEND_HOLD_SECONDS = 60;

/** A turn nobody answers (see TurnPlan.paused): its reading is stored, its flow state kept as it was. */
const pausedTurn = (plan: TurnPlan, annotated: BotTurnResult["annotated"]): BotTurnResult => ({
  status: "silent",
  reason: plan.read.conversation.botPausedAt ? "paused by an agent" : "escalated",
  state: plan.turn.state,
  replies: [],
  annotated,
});

const liveOf = (plan: TurnPlan, stored: Set<string>) =>
  plan.annotated.filter((m) => stored.has(m.id)).map((m) => ({ id: m.id, conversationId: plan.read.conversation.id, annotations: liveAnnotations(m.annotations) }));

/** The group's reading on the conversation (language, intent, sentiment, and priority raised, never lowered). */
function readingUpdate(db: ReadDb, conversation: Conversation, view: NonNullable<TurnPlan["view"]>) {
  return db
    .update(conversations)
    .set({
      language: view.language !== "und" ? view.language : conversation.language,
      intent: view.intent,
      sentimentLabel: view.sentiment.label,
      sentimentScore: view.sentiment.score,
      // A reading raises the priority, never lowers it: once urgent (by the customer's words, an
      // automation rule or an agent) it stays so until someone changes it. Decided in SQL, so a
      // rule that raised it a moment ago is seen.
      priority: sql`case when array_position(array['P0','P1','P2','P3'], ${conversations.priority}::text) <= array_position(array['P0','P1','P2','P3'], ${view.priority}::text) then ${conversations.priority} else ${view.priority} end`,
    })
    .where(eq(conversations.id, conversation.id));
}

/** The bot's replies as outbound messages, pending their send. */
function repliesInsert(db: ReadDb, conversation: Conversation, ids: string[], texts: string[]) {
  return db
    .insert(messages)
    .values(texts.map((text, i) => ({ id: ids[i]!, tenantId: conversation.tenantId, conversationId: conversation.id, channelId: conversation.channelId, direction: "outbound" as const, senderType: "bot" as const, content: { type: "text", text }, text, status: "pending" as const })))
    .returning();
}

/** One `message.outbound` event per reply, in reply order; the rows come back as the queue carries them. */
function outboundEvents(tenantId: string, conversation: Conversation, replyIds: string[], holdSeconds = 0): SQL {
  return sql`
    with o as (
      insert into outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, payload, available_at)
      select gen_random_uuid(), ${tenantId}::uuid, 'message.outbound', 'message', r.id::text,
        jsonb_build_object('message_id', r.id, 'conversation_id', ${conversation.id}::uuid, 'channel_id', ${conversation.channelId}::uuid),
        now() + make_interval(secs => ${holdSeconds})
      from unnest(${`{${replyIds.join(",")}}`}::uuid[]) with ordinality as r(id, n) order by n
      returning *
    )
    select coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'tenant_id', o.tenant_id, 'type', o.type, 'aggregate_type', o.aggregate_type,
      'aggregate_id', o.aggregate_id, 'payload', o.payload, 'created_at', o.created_at)), '[]'::jsonb) as events
    from o`;
}

const eventsInOrder = (events: OutboxMessage[], replyIds: string[]) => [...events].sort((a, b) => replyIds.indexOf(a.aggregate_id) - replyIds.indexOf(b.aggregate_id));

/** The conversation after the turn: the version it ran, its counters, and whose turn it is now. */
function afterTurnUpdate(db: ReadDb, conversation: Conversation, flow: RunnableFlow, t: { replies: number; escalationSummary?: string }) {
  return db
    .update(conversations)
    .set({
      flowId: flow.flowId,
      flowVersion: flow.version,
      ...(t.replies && { messageCount: sql`${conversations.messageCount} + ${t.replies}`, lastMessageAt: sql`now()` }),
      // Escalated: a human owes the answer. Answered by the bot: the customer's turn.
      ...(t.escalationSummary !== undefined
        ? { state: "escalated" as const, previousState: conversation.state, escalationSummary: t.escalationSummary }
        : t.replies
          ? { state: "awaiting_customer" as const, previousState: conversation.state }
          : {}),
      updatedAt: sql`now()`,
      version: sql`${conversations.version} + 1`,
    })
    .where(eq(conversations.id, conversation.id));
}

/**
 * A turn whose replies the plan refuses (messages used up, or billing restricted): the replies are not
 * stored or sent, the conversation goes to a person (an escalation row, state `escalated`, so the bot
 * stops here), and a `bot.reply_withheld` event and a warning say why.
 */
async function withholdReplies(
  tx: Tx,
  ctx: ServiceContext,
  w: { tenantId: string; conversationId: string; priority: string | undefined; count: number; decision: QuotaDecision },
): Promise<{ reason: string; summary: string }> {
  const why = w.decision.reason ?? "limit_reached";
  const reason = `bot reply withheld: ${why === "payment_required" ? "billing is restricted" : "the plan's messages are used up"}`;
  const summary = `${w.count === 1 ? "The bot's reply was" : `The bot's ${w.count} replies were`} not sent: ${w.decision.warning ?? "the plan does not allow more messages now"}. A person needs to answer once billing allows it (see the billing page).`;
  ctx.log.warn("bot replies withheld by the plan's quota", { tenant_id: w.tenantId, conversation_id: w.conversationId, reason: why, replies: w.count });
  await inSavepoint(tx, (sp) => recordEscalation(sp, w.tenantId, { conversation_id: w.conversationId, reason, summary, ...(w.priority && { priority: w.priority as "P2" }) }));
  await emitEvent(tx, { tenantId: w.tenantId, type: "bot.reply_withheld", aggregateType: "conversation", aggregateId: w.conversationId, payload: { conversation_id: w.conversationId, reason: why, replies: w.count } });
  return { reason, summary };
}

/** The channel's published flow; a workspace that predates default flows gets its default now. */
async function channelFlow(tx: Tx, tenantId: string, channelId: string) {
  const flow = await resolveFlowForChannel(tx, channelId);
  if (flow) return flow;
  await ensureDefaultFlow(tx, tenantId);
  return resolveFlowForChannel(tx, channelId);
}

/** The API's annotation shape (what the inbox renders), without the adapter's internals. */
function liveAnnotations(a: AnnotatedMessage["annotations"]) {
  return { language: a.language, intent: a.intent, sentiment: a.sentiment, urgency: a.urgency, priority: a.priority, entities: a.entities, source: a.source };
}

/** The ids of the messages whose annotations this call stored. */
async function storeAnnotations(tx: Tx, turn: BotTurn, annotated: AnnotatedMessage[]): Promise<Set<string>> {
  if (annotated.length === 0) return new Set();
  const rows = await annotationsInsert(tx, turn, annotated);
  return new Set(rows.map((r) => r.id));
}

function annotationsInsert(db: ReadDb, turn: BotTurn, annotated: AnnotatedMessage[]) {
  return (
    db
      .insert(messageAnnotations)
      .values(
        annotated.map((m) => ({
          messageId: m.id,
          tenantId: turn.tenantId,
          conversationId: turn.conversationId,
          language: m.annotations.language,
          intent: m.annotations.intent,
          sentimentScore: m.annotations.sentiment.score,
          sentimentLabel: m.annotations.sentiment.label,
          urgency: m.annotations.urgency,
          priority: m.annotations.priority,
          entities: m.annotations.entities,
          source: m.annotations.source,
        })),
      )
      // A message carried over from a superseded group was annotated then; an agent's correction stays.
      .onConflictDoNothing()
      .returning({ id: messageAnnotations.messageId })
  );
}
