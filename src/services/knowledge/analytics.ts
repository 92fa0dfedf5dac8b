import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { withTenant } from "../access";
import type { ServiceContext } from "../context";
import { PeriodQuery, reportPeriod } from "../reports/period";

/** Longest period one analytics answer covers: the query scans the period's logged queries. */
const MAX_DAYS = 366;
const TOP = 10;

export const KnowledgeAnalyticsQuery = PeriodQuery.extend({
  source: z.enum(["api", "page", "assist", "bot"]).optional().openapi({ description: "Only queries from this source (the bot, the assist panel, the Knowledge page or the API)" }),
});
export type KnowledgeAnalyticsQuery = z.infer<typeof KnowledgeAnalyticsQuery>;

const QueryCount = z.object({ query: z.string(), count: z.number().int(), answered: z.number().int(), last_at: z.string() });

export const KnowledgeAnalyticsSchema = z
  .object({
    period: z.object({ from: z.string(), to: z.string() }),
    queries: z.number().int().openapi({ description: "Searches and answers logged in the period" }),
    searches: z.number().int(),
    answers: z.number().int(),
    answered: z.number().int().openapi({ description: "Answers given with confidence and citations" }),
    answer_rate_pct: z.number().nullable().openapi({ description: "answered / answers, in percent (null with no answers)" }),
    no_results: z.number().int().openapi({ description: "Queries that found no passage at all" }),
    latency_ms: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }),
    by_source: z.array(z.object({ source: z.string(), queries: z.number().int(), answered: z.number().int() })),
    by_language: z.array(z.object({ language: z.string(), queries: z.number().int() })),
    top_queries: z.array(QueryCount).openapi({ description: "The most frequent questions (normalised text), most frequent first" }),
    unanswered: z.array(QueryCount).openapi({ description: "Questions asked for an answer that none could be given to: what to write next" }),
    top_documents: z.array(z.object({ document_id: z.string().uuid(), title: z.string(), queries: z.number().int() })).openapi({ description: "Documents cited most by answers (deleted ones are left out)" }),
    daily: z.array(z.object({ date: z.string(), queries: z.number().int(), answered: z.number().int() })),
  })
  .openapi("KnowledgeAnalytics");
export type KnowledgeAnalytics = z.infer<typeof KnowledgeAnalyticsSchema>;

type Row = Record<string, unknown>;
const int = (v: unknown) => Number(v ?? 0);
const iso = (v: unknown) => new Date(v as string).toISOString();
const queryCount = (r: Row) => ({ query: String(r.query), count: int(r.n), answered: int(r.answered), last_at: iso(r.last_at) });

/**
 * GET /v1/knowledge/analytics: what customers and agents ask the knowledge base (seed 001's query
 * analytics) — volume, answer rate, latency, the frequent and the unanswered questions, the documents
 * that carry the answers. One statement, one round trip: each part is a subselect over the period's rows.
 */
export async function getKnowledgeAnalytics({ ctx, input }: { ctx: ServiceContext; input: KnowledgeAnalyticsQuery }): Promise<KnowledgeAnalytics> {
  const { from, to } = reportPeriod(input, MAX_DAYS);
  return withTenant(ctx, "reports:read", async (tx, p) => {
    const scope = sql`q.tenant_id = ${p.tenant.id}::uuid and q.created_at >= ${from.toISOString()}::timestamptz and q.created_at < ${to.toISOString()}::timestamptz${input.source ? sql` and q.source = ${input.source}` : sql``}`;
    const byText = (filter: ReturnType<typeof sql>) => sql`(select coalesce(json_agg(t), '[]') from (
        select q.query_text_normalized as query, count(*) as n, count(*) filter (where q.answered) as answered, max(q.created_at) as last_at
        from knowledge_queries q where ${scope} and q.query_text_normalized <> '' ${filter}
        group by 1 order by 2 desc, 4 desc limit ${TOP}) t)`;
    const res = await tx.execute<Row>(sql`select
      (select row_to_json(t) from (select count(*) as total, count(*) filter (where q.kind = 'search') as searches, count(*) filter (where q.kind = 'answer') as answers,
          count(*) filter (where q.kind = 'answer' and q.answered) as answered, count(*) filter (where q.result_count = 0) as no_results,
          percentile_cont(0.5) within group (order by q.processing_latency_ms) as p50, percentile_cont(0.95) within group (order by q.processing_latency_ms) as p95
        from knowledge_queries q where ${scope}) t) as totals,
      (select coalesce(json_agg(t), '[]') from (select q.source, count(*) as n, count(*) filter (where q.answered) as answered from knowledge_queries q where ${scope} group by 1 order by 2 desc, 1) t) as by_source,
      (select coalesce(json_agg(t), '[]') from (select q.detected_language as language, count(*) as n from knowledge_queries q where ${scope} group by 1 order by 2 desc, 1 limit ${TOP}) t) as by_language,
      ${byText(sql``)} as top_queries,
      ${byText(sql`and q.kind = 'answer' and not q.answered`)} as unanswered,
      (select coalesce(json_agg(t), '[]') from (select d.id, d.title, count(*) as n from knowledge_queries q cross join lateral unnest(q.document_ids) as u(id)
          join knowledge_documents d on d.id = u.id where ${scope} and q.kind = 'answer' group by d.id, d.title order by 3 desc, 2 limit ${TOP}) t) as top_documents,
      (select coalesce(json_agg(t order by t.day), '[]') from (select to_char(date_trunc('day', q.created_at at time zone 'UTC'), 'YYYY-MM-DD') as day, count(*) as n, count(*) filter (where q.answered) as answered
          from knowledge_queries q where ${scope} group by 1) t) as daily`);
    const row = res.rows[0]!;
    const totals = (row.totals ?? {}) as Row;
    const answers = int(totals.answers);
    const answered = int(totals.answered);
    const ms = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
    return {
      period: { from: from.toISOString(), to: to.toISOString() },
      queries: int(totals.total),
      searches: int(totals.searches),
      answers,
      answered,
      answer_rate_pct: answers === 0 ? null : Math.round((answered / answers) * 1000) / 10,
      no_results: int(totals.no_results),
      latency_ms: { p50: ms(totals.p50), p95: ms(totals.p95) },
      by_source: (row.by_source as Row[]).map((r) => ({ source: String(r.source), queries: int(r.n), answered: int(r.answered) })),
      by_language: (row.by_language as Row[]).map((r) => ({ language: String(r.language), queries: int(r.n) })),
      top_queries: (row.top_queries as Row[]).map(queryCount),
      unanswered: (row.unanswered as Row[]).map(queryCount),
      top_documents: (row.top_documents as Row[]).map((r) => ({ document_id: String(r.id), title: String(r.title), queries: int(r.n) })),
      daily: (row.daily as Row[]).map((r) => ({ date: String(r.day), queries: int(r.n), answered: int(r.answered) })),
    };
  });
}
