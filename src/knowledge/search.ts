import { sql } from "drizzle-orm";
import type { SqlReader } from "../db/client";
import { type Embedder, STOPWORDS } from "./embedder";
import { fold, pgArray, tsConfigFor, TS_CONFIG_NAMES, words } from "./text";
import type { VectorFilter, VectorIndex } from "./vector-index";

export const SEARCH_MODES = ["hybrid", "keyword", "vector"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

export interface Passage {
  chunkId: string;
  documentId: string;
  title: string;
  heading: string | null;
  content: string;
  language: string | null;
  visibility: "public" | "internal";
  score: number;
  /** Where the passage stood in each list (1-based), and that list's own score. */
  keyword?: { rank: number; score: number };
  vector?: { rank: number; score: number };
}

export interface SearchDeps {
  embedder: Embedder;
  index: VectorIndex;
  /** Told about vector hits that Postgres did not confirm (another workspace's id, a deleted chunk). */
  onUnconfirmed?: (ids: string[]) => void;
}

export interface SearchOptions {
  limit: number;
  mode: SearchMode;
  /** Customer-facing answers use public passages only; agents see internal ones too. */
  publicOnly?: boolean;
  /** The asker's language: its text-search configuration is always among those the query is parsed with. */
  language?: string;
}

/** Reciprocal rank fusion's constant (Cormack et al.): dampens the head of each list. */
const RRF_K = 60;
/** How deep each list goes before fusion. */
const CANDIDATES = 40;

interface Row {
  chunk_id: string;
  document_id: string;
  title: string;
  heading: string | null;
  content: string;
  language: string | null;
  visibility: "public" | "internal";
  score: number | string;
}

const toPassage = (r: Row): Passage => ({
  chunkId: r.chunk_id,
  documentId: r.document_id,
  title: r.title,
  heading: r.heading,
  content: r.content,
  language: r.language,
  visibility: r.visibility,
  score: Number(r.score),
});

/** Whether a query uses websearch syntax itself (quotes, `or`, `-word`): then it is taken as written. */
const usesSyntax = (query: string) => /["]|(^|\s)-\S|\sor\s/i.test(query);

/**
 * The topical words of a question: function words go first, since the query is parsed with every
 * configuration in play, and Spanish parsing keeps English "can", "my", "the" as terms (and the other
 * way round), which would rank any passage by its function words.
 */
function topicalWords(query: string): string[] {
  const all = words(query);
  const topical = all.filter((w) => !STOPWORDS.has(fold(w)));
  return [...new Set(topical.length ? topical : all)].slice(0, 32);
}

/**
 * The query for websearch_to_tsquery: a question typed as words becomes "any of these words"; a query
 * that uses the syntax itself is taken as written.
 */
export function keywordQueryText(query: string): string {
  if (usesSyntax(query)) return query;
  return topicalWords(query).join(" or ");
}

/** Text-search configurations the query is parsed with: the workspace's document languages and the asker's. */
async function queryConfigs(tx: SqlReader, tenantId: string, language?: string): Promise<string[]> {
  const res = await tx.execute<{ language: string | null }>(
    sql`select distinct language from knowledge_documents where tenant_id = ${tenantId}::uuid and indexed_version is not null and is_active`,
  );
  const configs = new Set(res.rows.map((r) => tsConfigFor(r.language)));
  if (language) configs.add(tsConfigFor(language));
  if (configs.size === 0) configs.add("simple");
  return [...configs].filter((c) => TS_CONFIG_NAMES.has(c)).sort();
}

const visible = (publicOnly?: boolean) => (publicOnly ? sql`and d.visibility = 'public'` : sql``);

/** BM25's term-frequency saturation (k1) — the usual value. */
const BM25_K1 = 1.2;

/**
 * Postgres full-text search over the workspace's ready, active chunks: each chunk's tsvector is built
 * with its document's language configuration; each query word is parsed with every configuration in
 * play and OR-ed, so the GIN index on `tsv` serves it whatever the mix of languages.
 *
 * Ranked like BM25 rather than by `ts_rank_cd` alone: ts_rank_cd knows no word's rarity, so with
 * "any of these words" a passage that says "pay" five times outranked the one passage that says
 * "customs". Here each word weighs its inverse document frequency among the workspace's chunks
 * (counted over the chunks that match), and its occurrences in a chunk — title and headings count 2.5× the body,
 * the tsvector's A/B weights — saturate (k1 = 1.2), so a rare word matched once beats a common one
 * repeated. Chunks are of similar length by construction, so there is no length normalization.
 * A query written with websearch syntax is run as written, ranked by ts_rank_cd.
 */
export function keywordSearchSql(tenantId: string, query: string, configs: string[], limit: number, publicOnly?: boolean) {
  const parse = (text: unknown) => sql.join(configs.map((c) => sql`websearch_to_tsquery(${c}::regconfig, ${text})`), sql` || `);
  const columns = sql`c.id as chunk_id, c.document_id, d.title, c.heading, c.content, d.language, d.visibility`;
  const live = sql`d.id = c.document_id and d.tenant_id = c.tenant_id and c.document_version = d.indexed_version`;
  if (usesSyntax(query)) {
    return sql`select ${columns}, ts_rank_cd(c.tsv, q.query, 1) as score
    from (select ${parse(query)} as query) q
    cross join lateral parley_knowledge_match(q.query) m
    join knowledge_chunks c on c.id = m.id
    join knowledge_documents d on ${live}
    where c.tenant_id = ${tenantId}::uuid and d.is_active ${visible(publicOnly)}
    order by score desc, c.id
    limit ${limit}`;
  }
  // The candidates are every live chunk matching any word, found through the GIN index by
  // parley_knowledge_match (migration 0019: under RLS the planner will not use the index for `@@`),
  // kept only if their document is one this workspace may see (documents under RLS; public ones only
  // for customers, and the chunk total is counted over the same); the page's passages are read back
  // from the chunks under RLS at the end. Each word is then matched against the
  // candidates once (`matches`), which gives both its occurrences per chunk and its document frequency
  // — the candidates hold every live chunk with the word, so the count over them is the count over the
  // workspace (a separate count per word scanned every chunk again: half the statement's time).
  // MATERIALIZED: each part runs once (inlined, Postgres re-ran steps per hit, and the embedded build
  // failed on that plan).
  const perWord = topicalWords(query).map((w) => parse(w));
  if (perWord.length === 0) return sql`select ${columns}, 0::float8 as score from knowledge_chunks c join knowledge_documents d on ${live} where false`;
  const tenant = sql`${tenantId}::uuid`;
  const words = sql.join(
    perWord.map((q, i) => sql`(${i}::int, ${q})`),
    sql`, `,
  );
  return sql`with n as materialized (
      -- The corpus the frequencies are counted in: the same documents the candidates come from.
      select greatest(coalesce(sum(d.chunk_count), 0), 1)::float8 as total from knowledge_documents d
      where d.tenant_id = ${tenant} and d.is_active and d.indexed_version is not null ${visible(publicOnly)}
    ),
    terms as materialized (
      select t.i, t.q from (values ${words}) as t(i, q) where numnode(t.q) > 0
    ),
    candidates as materialized (
      select m.id, m.tsv from parley_knowledge_match(${sql.join(perWord, sql` || `)}) m
      join knowledge_documents d on d.id = m.document_id and m.document_version = d.indexed_version
      where d.tenant_id = ${tenant} and d.is_active ${visible(publicOnly)}
    ),
    matches as materialized (
      select k.id, terms.i, ts_rank_cd(k.tsv, terms.q, 0) / 0.4 as tf
      from candidates k join terms on k.tsv @@ terms.q
    ),
    idf as materialized (
      select m.i, ln(1 + (n.total - count(*) + 0.5) / (count(*) + 0.5)) as idf from matches m, n group by m.i, n.total
    ),
    hits as materialized (
      select m.id, sum(idf.idf * (m.tf * ${BM25_K1 + 1}) / (m.tf + ${BM25_K1})) as score
      from matches m join idf on idf.i = m.i
      group by m.id
    ),
    top as materialized (select id, score from hits order by score desc, id limit ${limit})
    -- Only the page's rows are joined back (each step above runs once, whatever the planner
    -- estimates: with stale statistics it re-ran the scoring once per chunk).
    select ${columns}, t.score
    from top t
    join knowledge_chunks c on c.id = t.id
    join knowledge_documents d on ${live}
    order by t.score desc, c.id`;
}

export async function keywordSearch(tx: SqlReader, tenantId: string, query: string, opts: Omit<SearchOptions, "mode">): Promise<Passage[]> {
  if (words(query).length === 0) return [];
  const configs = await queryConfigs(tx, tenantId, opts.language);
  const res = await tx.execute<Row & Record<string, unknown>>(keywordSearchSql(tenantId, query, configs, opts.limit, opts.publicOnly));
  return res.rows.map((r, i) => ({ ...toPassage(r), keyword: { rank: i + 1, score: Number(r.score) } }));
}

/**
 * Nearest passages by embedding. Every id the index returns is looked up again in Postgres under the
 * workspace's row-level security and filters (defence in depth): an id from another namespace, of a
 * deleted or deactivated document, or of a superseded version is dropped, never shown or cited.
 */
export async function vectorSearch(tx: SqlReader, tenantId: string, query: string, deps: SearchDeps, opts: Omit<SearchOptions, "mode">): Promise<Passage[]> {
  if (words(query).length === 0) return [];
  const [vector] = await deps.embedder.embed([query], "query");
  const filter: VectorFilter = { model: deps.embedder.model, ...(opts.publicOnly && { visibility: "public" as const }) };
  const matches = await deps.index.query(tenantId, vector!, { topK: opts.limit, filter });
  if (matches.length === 0) return [];
  const ids = matches.map((m) => m.id).filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const res = await tx.execute<Row & Record<string, unknown>>(sql`select c.id as chunk_id, c.document_id, d.title, c.heading, c.content, d.language, d.visibility, 0 as score
    from knowledge_chunks c
    join knowledge_documents d on d.id = c.document_id and d.tenant_id = c.tenant_id and c.document_version = d.indexed_version
    where c.tenant_id = ${tenantId}::uuid and c.id = any(${pgArray(ids)}::uuid[]) and d.is_active ${visible(opts.publicOnly)}`);
  const confirmed = new Map(res.rows.map((r) => [r.chunk_id, r]));
  const unconfirmed = matches.filter((m) => !confirmed.has(m.id)).map((m) => m.id);
  if (unconfirmed.length) deps.onUnconfirmed?.(unconfirmed);
  const out: Passage[] = [];
  for (const m of matches) {
    const row = confirmed.get(m.id);
    if (row) out.push({ ...toPassage(row), score: m.score, vector: { rank: out.length + 1, score: m.score } });
  }
  return out;
}

/**
 * Reciprocal rank fusion: a passage's score is the sum of weight/(k + rank) over the lists it is in
 * (each list's weight 1 unless given).
 */
export function fuse(lists: Passage[][], limit: number, weights: number[] = []): Passage[] {
  const byId = new Map<string, Passage>();
  for (const [l, list] of lists.entries()) {
    const weight = weights[l] ?? 1;
    list.forEach((p, i) => {
      const cur = byId.get(p.chunkId);
      const add = weight / (RRF_K + i + 1);
      if (cur) {
        cur.score += add;
        cur.keyword ??= p.keyword;
        cur.vector ??= p.vector;
      } else byId.set(p.chunkId, { ...p, score: add });
    });
  }
  return [...byId.values()].sort((a, b) => b.score - a.score || (a.chunkId < b.chunkId ? -1 : 1)).slice(0, limit);
}

export async function search(tx: SqlReader, tenantId: string, query: string, deps: SearchDeps, opts: SearchOptions): Promise<Passage[]> {
  if (opts.mode === "keyword") return keywordSearch(tx, tenantId, query, opts);
  if (opts.mode === "vector") return vectorSearch(tx, tenantId, query, deps, opts);
  const depth = Math.max(CANDIDATES, opts.limit);
  // Side by side: on a reader (Database.reader) the two searches' statements share round trips.
  const [keyword, vector] = await Promise.all([keywordSearch(tx, tenantId, query, { ...opts, limit: depth }), vectorSearch(tx, tenantId, query, deps, { ...opts, limit: depth })]);
  return fuse([keyword, vector], opts.limit, [1, deps.embedder.fusionWeight ?? 1]);
}

/** The passage's most relevant stretch (about `max` characters) around the query's words. */
export function snippet(content: string, query: string, max = 240): string {
  const text = content.replace(/\s+/g, " ").trim();
  if (text.length <= max) return text;
  const terms = words(query).map(fold).filter((w) => w.length > 2);
  const folded = fold(text);
  let best = 0;
  let bestHits = -1;
  for (let start = 0; start < text.length; start += Math.max(20, Math.floor(max / 6))) {
    const window = folded.slice(start, start + max);
    const hits = terms.reduce((n, t) => n + (window.includes(t.slice(0, 5)) ? 1 : 0), 0);
    if (hits > bestHits) {
      best = start;
      bestHits = hits;
    }
  }
  // Start at a word boundary.
  if (best > 0) best = text.indexOf(" ", best) + 1 || best;
  const cut = text.slice(best, best + max);
  const end = cut.lastIndexOf(" ") > max * 0.6 ? cut.slice(0, cut.lastIndexOf(" ")) : cut;
  return `${best > 0 ? "… " : ""}${end}${best + end.length < text.length ? " …" : ""}`;
}
