import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { pgArray } from "../../knowledge/text";
import type { Ids, ReadDb, Tx } from "../../db/client";
import { channels, contacts, conversationSlas, conversations, slaEvents, type SlaTargets } from "../../db/schema";
import { emitEvents } from "../audit";
import { businessMsBetween } from "../../sla/business-hours";
import { slaClocks, waitsOnCustomer, type ClockFacts, type Metric, type MetricClock } from "../../sla/clock";
import type { ConversationSla } from "./model";
import { choosePolicy, policiesOf, resolveTargets, type SelectionFacts } from "./select";

type SlaRow = typeof conversationSlas.$inferSelect;

/** Everything the clocks and the policy choice read about one conversation, in one query. */
export interface ConversationFacts extends SelectionFacts {
  id: string;
  tenantId: string;
  threadKey: string;
  state: string;
  createdAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  lastCustomerMessageAt: Date | null;
  lastAgentMessageAt: Date | null;
  awaitingReplySince: number | null;
}

/**
 * The facts query over `ids`: a list, or a subquery selecting them, so a page's reads can ask for its
 * conversations' facts in the same batch as the page itself.
 */
export function factsQuery(db: ReadDb, ids: Ids) {
  const agentMark = sql`coalesce(${conversations.lastAgentMessageAt}, ${conversations.firstResponseAt})`;
  return db
    .select({
      id: conversations.id,
      tenantId: conversations.tenantId,
      threadKey: conversations.threadKey,
      state: conversations.state,
      priority: conversations.priority,
      teamId: conversations.teamId,
      createdAt: conversations.createdAt,
      firstResponseAt: conversations.firstResponseAt,
      resolvedAt: conversations.resolvedAt,
      lastCustomerMessageAt: conversations.lastCustomerMessageAt,
      lastAgentMessageAt: conversations.lastAgentMessageAt,
      channelType: channels.type,
      contactTier: sql<string | null>`coalesce(${contacts.attributes}->>'sla_tier', ${contacts.attributes}->>'tier')`,
      // The customer's turn began with their first message after the latest agent reply.
      awaitingReplySince: sql<number | null>`case when ${conversations.firstResponseAt} is not null and ${conversations.lastCustomerMessageAt} > ${agentMark}
        then (select (extract(epoch from min(m.created_at)) * 1000)::float8 from messages m
              where m.conversation_id = ${conversations.id} and m.direction = 'inbound' and m.sender_type = 'customer' and m.created_at > ${agentMark}) end`,
    })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(inArray(conversations.id, ids));
}

type FactsRow = Awaited<ReturnType<typeof factsQuery>>[number];
const toFacts = (rows: FactsRow[]): ConversationFacts[] => rows.map((r) => ({ ...r, awaitingReplySince: r.awaitingReplySince === null ? null : Number(r.awaitingReplySince) }));

export async function loadFacts(tx: Tx, ids: string[]): Promise<ConversationFacts[]> {
  if (ids.length === 0) return [];
  return toFacts(await factsQuery(tx, ids));
}

const ms = (d: Date | null) => (d ? d.getTime() : null);

/**
 * The pause as of `now`: a conversation that waits on the customer is paused since its latest agent
 * reply (the reply is what made it wait) or, when it was set waiting by hand, since that change was
 * seen; one no longer waiting adds the paused stretch — up to the customer's message that ended it —
 * to the paused total.
 */
export function derivePause(row: Pick<SlaRow, "pausedAt" | "pausedMs" | "snoozedUntil" | "startedAt"> & { targets: SlaTargets }, f: ConversationFacts, now: number): { pausedAt: number | null; pausedMs: number } {
  const waiting = f.state !== "resolved" && waitsOnCustomer(f.state, ms(row.snoozedUntil), now);
  const pausedAt = ms(row.pausedAt);
  if (waiting) {
    if (pausedAt !== null) return { pausedAt, pausedMs: row.pausedMs };
    const agent = ms(f.lastAgentMessageAt);
    const since = f.state === "awaiting_customer" && agent !== null && agent >= (ms(f.lastCustomerMessageAt) ?? 0) ? agent : now;
    return { pausedAt: Math.min(now, Math.max(since, row.startedAt.getTime())), pausedMs: row.pausedMs };
  }
  if (pausedAt === null) return { pausedAt: null, pausedMs: row.pausedMs };
  const customer = ms(f.lastCustomerMessageAt);
  const resumedAt = customer !== null && customer > pausedAt && customer < now ? customer : now;
  return { pausedAt: null, pausedMs: row.pausedMs + Math.max(0, businessMsBetween(row.targets.business_hours, pausedAt, resumedAt)) };
}

function clockFacts(row: SlaRow, f: ConversationFacts, now: number): ClockFacts {
  const pause = derivePause(row, f, now);
  return {
    startedAt: row.startedAt.getTime(),
    state: f.state,
    firstResponseAt: ms(f.firstResponseAt),
    awaitingReplySince: f.awaitingReplySince,
    resolvedAt: ms(f.resolvedAt),
    pausedAt: pause.pausedAt,
    pausedMs: pause.pausedMs,
  };
}

export interface RefreshResult {
  row: SlaRow;
  clocks: MetricClock[];
  facts: ConversationFacts;
  /** The next instant the thread object should wake for (a warning, a breach, a snooze ending). */
  nextCheckAt: number | null;
}

/**
 * Which of these conversations can have a clock at all (as rows of `conversation_id`): it has one, or
 * its workspace has an enabled policy. Without either, a refresh or a check finds nothing to do; asked
 * first (in a batch, or one HTTP round trip), it spares a workspace without SLA policies the
 * transaction either would hold.
 */
export function slaMayApplyToQuery(tenantId: string, conversationIds: string[]): SQL {
  return sql`select c.id as conversation_id from unnest(${pgArray(conversationIds)}::uuid[]) as c(id)
    where exists (select 1 from conversation_slas s where s.conversation_id = c.id) or exists (select 1 from sla_policies where tenant_id = ${tenantId}::uuid and enabled)`;
}

/**
 * Brings one conversation's clock up to date inside the caller's transaction: chooses its policy
 * (first time, or `reselect` after a priority, team or policy change), settles the pause, stores the
 * due times. Null when no policy applies.
 */
export async function refreshConversationSla(tx: Tx, tenantId: string, conversationId: string, opts: { reselect?: boolean; now?: number } = {}): Promise<RefreshResult | null> {
  const now = opts.now ?? Date.now();
  const [facts] = await loadFacts(tx, [conversationId]);
  if (!facts || facts.tenantId !== tenantId) return null;
  const [existing] = await tx.select().from(conversationSlas).where(eq(conversationSlas.conversationId, conversationId)).for("update");
  let row = existing;
  const selectedFor = JSON.stringify([facts.channelType, facts.priority, facts.teamId, facts.contactTier]);
  if (!row || opts.reselect || row.targets.selected_for !== selectedFor) {
    const policy = choosePolicy(await policiesOf(tx, tenantId), facts);
    if (!policy) {
      if (row) await tx.delete(conversationSlas).where(eq(conversationSlas.conversationId, conversationId));
      return null;
    }
    const targets = { ...resolveTargets(policy, facts), selected_for: selectedFor };
    if (!row) {
      [row] = await tx
        .insert(conversationSlas)
        .values({ conversationId, tenantId, policyId: policy.id, targets, startedAt: facts.createdAt })
        .onConflictDoUpdate({ target: conversationSlas.conversationId, set: { policyId: policy.id, targets } })
        .returning();
    } else {
      row = { ...row, policyId: policy.id, targets };
    }
  }
  const current = row!;
  const pause = derivePause(current, facts, now);
  const snoozedUntil = facts.state === "resolved" ? null : current.snoozedUntil;
  const clocks = slaClocks(current.targets, clockFacts({ ...current, snoozedUntil }, facts, now), now);
  const due = (m: Metric) => {
    const c = clocks.find((x) => x.metric === m)!;
    return c.dueAt === null ? null : new Date(c.dueAt);
  };
  const upcoming = clocks.flatMap((c) => (c.status === "running" ? [c.warnAt, c.dueAt] : [])).concat(snoozedUntil ? [snoozedUntil.getTime()] : []);
  // A warning or breach already due (a policy that arrived late, a clock re-chosen) is checked now;
  // fireDueSla claims it and then looks only ahead, so this never loops.
  const times = upcoming.filter((t): t is number => t !== null);
  const nextCheckAt = times.length ? Math.max(now, Math.min(...times)) : null;
  const [saved] = await tx
    .update(conversationSlas)
    .set({
      policyId: current.policyId,
      targets: current.targets,
      pausedAt: pause.pausedAt === null ? null : new Date(pause.pausedAt),
      pausedMs: pause.pausedMs,
      snoozedUntil,
      firstResponseDueAt: due("first_response"),
      nextResponseDueAt: due("next_response"),
      resolutionDueAt: due("resolution"),
      nextCheckAt: nextCheckAt === null ? null : new Date(nextCheckAt),
      updatedAt: sql`now()`,
    })
    .where(eq(conversationSlas.conversationId, conversationId))
    .returning();
  return { row: saved!, clocks, facts, nextCheckAt };
}

/**
 * Fires what is due: each warning and each breach of a running clock is claimed by its unique
 * sla_events row and emits `sla.warning` / `sla.breached` in the same transaction, so a timer that
 * fires twice (a retry, an eviction, two objects) fires the event once. A breach due already makes a
 * warning of the same cycle moot. A resolved conversation has no running clock: nothing fires.
 */
export async function fireDueSla(tx: Tx, tenantId: string, conversationId: string, now = Date.now()): Promise<{ fired: Array<{ metric: Metric; kind: "warning" | "breached" }>; nextCheckAt: number | null; threadKey: string | null }> {
  await wakeSnoozed(tx, tenantId, conversationId, now);
  const result = await refreshConversationSla(tx, tenantId, conversationId, { now });
  if (!result) return { fired: [], nextCheckAt: null, threadKey: null };
  const fired: Array<{ metric: Metric; kind: "warning" | "breached" }> = [];
  for (const c of result.clocks) {
    if (c.status !== "running" || c.dueAt === null || c.warnAt === null) continue;
    const kind = c.dueAt <= now ? "breached" : c.warnAt <= now ? "warning" : null;
    if (!kind) continue;
    const id = crypto.randomUUID();
    const dueAt = new Date(kind === "breached" ? c.dueAt : c.warnAt);
    const claimed = await tx
      .insert(slaEvents)
      .values({ id, tenantId, conversationId, policyId: result.row.policyId, metric: c.metric, kind, cycle: c.cycle, dueAt })
      .onConflictDoNothing()
      .returning({ id: slaEvents.id });
    if (claimed.length === 0) continue;
    fired.push({ metric: c.metric, kind });
    const payload = { conversation_id: conversationId, metric: c.metric, policy_id: result.row.policyId, due_at: dueAt.toISOString(), sla_event_id: id };
    await emitEvents(tx, [
      kind === "breached"
        ? { tenantId, type: "sla.breached", aggregateType: "conversation", aggregateId: conversationId, payload }
        : { tenantId, type: "sla.warning", aggregateType: "conversation", aggregateId: conversationId, payload },
    ]);
  }
  const ahead = result.clocks
    .flatMap((c) => (c.status === "running" ? [c.warnAt, c.dueAt] : []))
    .concat(result.row.snoozedUntil ? [result.row.snoozedUntil.getTime()] : [])
    .filter((t): t is number => t !== null && t > now);
  return { fired, nextCheckAt: ahead.length ? Math.min(...ahead) : null, threadKey: result.facts.threadKey };
}

/**
 * The reads behind `slaViews`, to put in a caller's one-round-trip batch: `ids` may be a subquery
 * (the page's own), so the clocks of a page come back with the page.
 *
 * @example
 *   const { results: [rows, ...sla] } = await readTenant(ctx, "conversations:read", (db) => [page(db), ...slaViewReads(db, pageIds(db))] as const);
 *   const views = slaViewsOf(sla);
 */
export function slaViewReads(db: ReadDb, ids: Ids) {
  // Facts and breaches only for the conversations a policy applies to (often none of a page).
  const withPolicy = db.select({ id: conversationSlas.conversationId }).from(conversationSlas).where(inArray(conversationSlas.conversationId, ids));
  return [
    db.select().from(conversationSlas).where(inArray(conversationSlas.conversationId, ids)),
    factsQuery(db, withPolicy),
    db
      .selectDistinct({ conversationId: slaEvents.conversationId, metric: slaEvents.metric })
      .from(slaEvents)
      .where(and(inArray(slaEvents.conversationId, withPolicy), eq(slaEvents.kind, "breached"))),
  ] as const;
}

type Reads = ReturnType<typeof slaViewReads>;
export type SlaViewRows = readonly [Awaited<Reads[0]>, Awaited<Reads[1]>, Awaited<Reads[2]>];

/** The `sla` field of each conversation with a policy, from `slaViewReads`' rows, as of `now`. */
export function slaViewsOf([rows, factRows, breaches]: SlaViewRows, now = Date.now()): Map<string, ConversationSla> {
  const out = new Map<string, ConversationSla>();
  const facts = new Map(toFacts(factRows).map((f) => [f.id, f]));
  for (const row of rows) {
    const f = facts.get(row.conversationId);
    if (!f) continue;
    const cf = clockFacts(row, f, now);
    const clocks = slaClocks(row.targets, cf, now);
    const iso = (m: Metric) => {
      const due = clocks.find((c) => c.metric === m)!.dueAt;
      return due === null ? null : new Date(due).toISOString();
    };
    out.set(row.conversationId, {
      policy_id: row.policyId,
      first_response_due_at: iso("first_response"),
      next_response_due_at: iso("next_response"),
      resolution_due_at: iso("resolution"),
      breached: breaches.filter((b) => b.conversationId === row.conversationId).map((b) => b.metric),
      paused: cf.pausedAt !== null,
      business_hours: row.targets.business_hours ? { timezone: row.targets.business_hours.timezone } : null,
    });
  }
  return out;
}

/** The calendar each conversation's clocks run on (for the inbox badge), from `slaViewReads`' rows. */
export const slaTargetsOf = ([rows]: SlaViewRows): Map<string, SlaTargets> => new Map(rows.map((r) => [r.conversationId, r.targets]));

/** The `sla` field of many conversations, computed as of now (null for those without a policy). */
export async function slaViews(tx: Tx, ids: string[], now = Date.now()): Promise<Map<string, ConversationSla>> {
  if (ids.length === 0) return new Map();
  const [rows, facts, breaches] = slaViewReads(tx, ids);
  return slaViewsOf([await rows, await facts, await breaches], now);
}

/**
 * A snooze that has run out hands the conversation back to the team: still waiting on the customer,
 * it becomes `awaiting_agent` (with its state_changed event), and the clocks run again.
 */
async function wakeSnoozed(tx: Tx, tenantId: string, conversationId: string, now: number) {
  const [row] = await tx
    .select({ until: conversationSlas.snoozedUntil, state: conversations.state })
    .from(conversationSlas)
    .innerJoin(conversations, eq(conversations.id, conversationSlas.conversationId))
    .where(eq(conversationSlas.conversationId, conversationId));
  if (!row?.until || row.until.getTime() > now) return;
  await tx.update(conversationSlas).set({ snoozedUntil: null }).where(eq(conversationSlas.conversationId, conversationId));
  if (row.state !== "awaiting_customer") return;
  await tx
    .update(conversations)
    .set({ state: "awaiting_agent", previousState: row.state, updatedAt: sql`now()`, version: sql`${conversations.version} + 1` })
    .where(eq(conversations.id, conversationId));
  await emitEvents(tx, [{ tenantId, type: "conversation.state_changed", aggregateType: "conversation", aggregateId: conversationId, payload: { conversation_id: conversationId, from: row.state, to: "awaiting_agent" } }]);
}
