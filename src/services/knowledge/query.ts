import { and, eq, inArray, sql } from "drizzle-orm";
import type { SqlReader, Tx } from "../../db/client";
import type { OutboxEventInput } from "../../events/catalog";
import { knowledgeDocuments, knowledgeQueries, processedEvents } from "../../db/schema";
import { composeAnswer, type Answer } from "../../knowledge/answer";
import { search, snippet, type Passage, type SearchMode } from "../../knowledge/search";
import { selectKnowledgeBackend, type KnowledgeBackend } from "../../knowledge/select";
import { fold } from "../../knowledge/text";
import type { OutboxHandler } from "../../queues/outbox-consumer";
import { publishOutbox } from "../../queues/outbox-relay";
import { emitEvents } from "../audit";
import { recordUsage } from "../billing/usage";
import { withTenant } from "../access";
import type { ServiceContext } from "../context";
import type { Logger } from "../../lib/log";
import { detectLanguage } from "./pipeline";
import { AnswerInput, SearchInput, type AnswerResult, type SearchResults } from "./model";
import { parseInput } from "../tickets/validate";

export interface QueryOrigin {
  source: "api" | "page" | "assist" | "bot";
  channel?: string | null;
  conversationId?: string | null;
}

interface Logged {
  kind: "search" | "answer";
  mode: SearchMode;
  query: string;
  language: string;
  passages: Passage[];
  cited: Passage[] | { documentId: string; chunkId: string }[];
  confident?: boolean;
  answered?: boolean;
  started: number;
  metadata?: Record<string, unknown>;
}

/**
 * One knowledge query's record: the analytics row (seed 001's query_analytics) and the `knowledge.query`
 * outbox event, which meters it and counts it on each document it used (knowledgeQueryUsed,
 * asynchronously: a popular document's row is not locked by every conversation that cites it). Written
 * in the caller's transaction, or by the bot's one-round-trip turn in its commit.
 */
function queryRecord(tenantId: string, origin: QueryOrigin, q: Logged): KnowledgeRecord {
  const id = crypto.randomUUID();
  const documentIds = [...new Set(q.cited.map((p) => p.documentId))];
  return {
    query: {
      id,
      tenantId,
      conversationId: origin.conversationId ?? null,
      source: origin.source,
      channel: origin.channel ?? null,
      kind: q.kind,
      mode: q.mode,
      queryTextRaw: q.query.slice(0, 2000),
      queryTextNormalized: fold(q.query).replace(/\s+/g, " ").trim().slice(0, 2000),
      detectedLanguage: q.language,
      resultCount: q.passages.length,
      topScore: q.passages[0]?.score ?? null,
      confident: q.confident ?? null,
      answered: q.answered ?? false,
      documentIds,
      chunkIds: q.cited.map((p) => p.chunkId),
      processingLatencyMs: Math.max(0, Math.round(performance.now() - q.started)),
      metadata: q.metadata ?? {},
    },
    events: [{ tenantId, type: "knowledge.query", aggregateType: "knowledge_query", aggregateId: id, payload: { query_id: id, kind: q.kind, document_ids: documentIds } }],
  };
}

/** What a knowledge query leaves to write: its analytics row and its outbox events. */
export interface KnowledgeRecord {
  query: typeof knowledgeQueries.$inferInsert;
  events: OutboxEventInput[];
}

async function writeRecord(tx: Tx, r: KnowledgeRecord) {
  await tx.insert(knowledgeQueries).values(r.query);
  await emitEvents(tx, r.events);
}

const warnForeign = (log: Logger, tenantId: string) => (ids: string[]) =>
  log.warn("knowledge: vector hits not confirmed by Postgres were dropped", { tenant_id: tenantId, count: ids.length });

async function askerLanguage(text: string, given?: string) {
  return given ?? (await detectLanguage(text)) ?? "und";
}

/** Search inside a tenant transaction (API, page): ranked passages with snippets. */
export async function runSearch(tx: Tx, backend: KnowledgeBackend, log: Logger, tenantId: string, raw: SearchInput, origin: QueryOrigin): Promise<SearchResults> {
  const input = parseInput(SearchInput, raw);
  const started = performance.now();
  const language = await askerLanguage(input.query);
  const passages = await search(tx, tenantId, input.query, { embedder: backend.embedder, index: backend.index(tx, tenantId), onUnconfirmed: warnForeign(log, tenantId) }, { limit: input.limit, mode: input.mode, language });
  await writeRecord(tx, queryRecord(tenantId, origin, { kind: "search", mode: input.mode, query: input.query, language, passages, cited: passages.slice(0, 5), started }));
  return {
    results: passages.map((p) => ({ document_id: p.documentId, chunk_id: p.chunkId, title: p.title, heading: p.heading, snippet: snippet(p.content, input.query), score: Number(p.score.toFixed(6)) })),
  };
}

/**
 * An answer with citations inside the caller's transaction. `publicOnly` for anything a customer will
 * read (the bot): internal articles help agents, never customers.
 */
export async function runAnswer(
  tx: Tx,
  backend: KnowledgeBackend,
  log: Logger,
  tenantId: string,
  raw: AnswerInput,
  origin: QueryOrigin & { publicOnly?: boolean; unrecorded?: boolean },
): Promise<Answer> {
  return answerWith(tx, backend, log, tenantId, raw, origin, (r) => writeRecord(tx, r));
}

/**
 * An answer searched through `db` (a transaction, or a reader that holds none); what it leaves to write
 * (the metered model call, the analytics row and its event) goes to `record`, once, after the answer.
 */
async function answerWith(
  db: SqlReader,
  backend: KnowledgeBackend,
  log: Logger,
  tenantId: string,
  raw: AnswerInput,
  origin: QueryOrigin & { publicOnly?: boolean; unrecorded?: boolean },
  record: (r: KnowledgeRecord) => Promise<void> | void,
): Promise<Answer> {
  const input = parseInput(AnswerInput, raw);
  const started = performance.now();
  const language = await askerLanguage(input.question, input.language);
  const passages = await search(db, tenantId, input.question, { embedder: backend.embedder, index: backend.index(db, tenantId), onUnconfirmed: warnForeign(log, tenantId) }, { limit: 8, mode: "hybrid", language, publicOnly: origin.publicOnly });
  // A rehearsal answers extractively: no model call, so simulating costs nothing and anyone who may read
  // flows cannot spend the workspace's AI budget.
  const generator = origin.unrecorded ? undefined : backend.generator;
  const aiCalls: OutboxEventInput[] = [];
  const answer = await composeAnswer(input.question, passages, {
    language,
    generator,
    onGenerated: (usage) => {
      aiCalls.push({ tenantId, type: "ai.call", aggregateType: "ai_call", aggregateId: crypto.randomUUID(), payload: { provider: generator!.provider, purpose: "knowledge_answer", input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, at: new Date().toISOString() } });
    },
  });
  // The flow simulator's rehearsals are not customer questions: no analytics row, no metered query, no
  // count on the documents.
  if (origin.unrecorded) return answer;
  const logged = queryRecord(tenantId, origin, {
    kind: "answer",
    mode: "hybrid",
    query: input.question,
    language,
    passages,
    cited: answer.confident ? answer.citations : [],
    confident: answer.confident,
    answered: answer.confident,
    started,
    metadata: { source: answer.source, answer_language: answer.language },
  });
  await record({ query: logged.query, events: [...aiCalls, ...logged.events] });
  return answer;
}

export const toAnswerResult = (a: Answer): AnswerResult => ({
  answer: a.answer,
  confident: a.confident,
  citations: a.citations.map((c) => ({ document_id: c.documentId, chunk_id: c.chunkId, title: c.title, snippet: c.snippet })),
  language: a.language,
  source: a.source,
});

const backendOf = (ctx: ServiceContext) => selectKnowledgeBackend(ctx.env as unknown as Record<string, unknown>);

export async function searchKnowledge({ ctx, input, origin = { source: "api" } }: { ctx: ServiceContext; input: SearchInput; origin?: QueryOrigin }): Promise<SearchResults> {
  const backend = backendOf(ctx);
  const out = await withTenant(ctx, "knowledge:read", (tx, p) => runSearch(tx, backend, ctx.log, p.tenant.id, input, origin));
  await publishOutbox(ctx.db, ctx.env, ctx.tenantId!).catch(() => {}); // metering and counts; the sweep catches a miss
  return out;
}

export async function answerKnowledge({ ctx, input, origin = { source: "api" } }: { ctx: ServiceContext; input: AnswerInput; origin?: QueryOrigin }): Promise<AnswerResult> {
  const backend = backendOf(ctx);
  const out = await withTenant(ctx, "knowledge:read", (tx, p) => runAnswer(tx, backend, ctx.log, p.tenant.id, input, origin));
  await publishOutbox(ctx.db, ctx.env, ctx.tenantId!).catch(() => {});
  return toAnswerResult(out);
}

/**
 * The flow's `knowledge_answer` port, inside the bot turn's transaction: public passages only, an
 * answer only when confident, with its citation's title in the text.
 */
export function knowledgePortFor(ctx: ServiceContext, tx: Tx, tenantId: string, origin: { conversationId: string | null; channel: string | null; unrecorded?: boolean }) {
  const backend = backendOf(ctx);
  return async (q: { question: string; language: string }) => {
    const input = portQuestion(q);
    if (!input) return null;
    // In a savepoint: a failed search must not abort the turn's transaction (the flow takes on_no_answer).
    const a = await tx.transaction((sp) => runAnswer(sp as unknown as Tx, backend, ctx.log, tenantId, input, { source: "bot", publicOnly: true, ...origin }));
    return portAnswer(a);
  };
}

/**
 * The same port for a turn that commits in one round trip: the search reads without a transaction
 * (`Database.reader`: nothing held open while it runs or while a model writes the answer), and
 * what it leaves to write is added to `records`, for the turn's commit: a turn that does not commit
 * (superseded, or taken already) leaves no analytics row and meters nothing.
 */
export function oneTripKnowledgePort(ctx: ServiceContext, tenantId: string, origin: { conversationId: string | null; channel: string | null }, records: KnowledgeRecord[]) {
  const backend = backendOf(ctx);
  const reader = ctx.db.reader({ tenantId });
  return async (q: { question: string; language: string }) => {
    const input = portQuestion(q);
    if (!input) return null;
    const a = await answerWith(reader, backend, ctx.log, tenantId, input, { source: "bot", publicOnly: true, ...origin }, (r) => {
      records.push(r);
    });
    return portAnswer(a);
  };
}

/** The flow's question as the answer's input: none when empty, its language only when a code. */
function portQuestion(q: { question: string; language: string }): AnswerInput | null {
  const question = q.question.trim().slice(0, 1000);
  if (!question) return null;
  return { question, ...(/^[a-z]{2}$/.test(q.language) && { language: q.language }) };
}

/** What the flow sees of an answer: only a confident one, with its citations. */
function portAnswer(a: Answer) {
  if (!a.confident || a.citations.length === 0) return null;
  return { answer: a.answer, confident: true as const, citations: a.citations.map((c) => ({ document_id: c.documentId, chunk_id: c.chunkId, title: c.title })) };
}

/**
 * `knowledge.query` consumer: meters the unit (billing's own idempotent counter), then counts the query
 * once on each document it used.
 */
export const knowledgeQueryUsed: OutboxHandler = async (h) => {
  const { document_ids } = h.event.payload as { document_ids?: string[] };
  if (document_ids?.length) {
    const at = new Date(h.event.created_at);
    await h.ctx.db.scoped({ tenantId: h.event.tenant_id }, async (tx) => {
      // claimOnce's statement, written here: importing the consumer module from this one (which the
      // consumer's handler table imports) would be a cycle that leaves the table's entry undefined.
      const fresh = await tx.insert(processedEvents).values({ tenantId: h.event.tenant_id, consumer: "knowledge.query_count", eventId: h.event.id }).onConflictDoNothing().returning({ id: processedEvents.eventId });
      if (fresh.length === 0) return;
      await tx
        .update(knowledgeDocuments)
        .set({ queryCount: sql`${knowledgeDocuments.queryCount} + 1`, lastQueriedAt: sql`greatest(coalesce(${knowledgeDocuments.lastQueriedAt}, ${at}), ${at})` })
        .where(and(eq(knowledgeDocuments.tenantId, h.event.tenant_id), inArray(knowledgeDocuments.id, document_ids)));
    });
  }
  await recordUsage(h);
};
