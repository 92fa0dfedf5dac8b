// `npm run bench:search` — knowledge search and answer latency at 1k, 10k and 50k chunks in ONE
// workspace, index build time per 1k chunks, and the Postgres plan of keyword search. Not a test: it
// reports and exits 0.
//
// The Worker's own pipeline and search code run in this process against Postgres (the embedded one by
// default) through node-postgres, every call a tenant transaction as the app role, as in the Worker;
// HTTP, authentication and the Neon driver's WebSocket are not in these figures. Documents are built
// from the evaluation set's sentences (test/eval/search), recombined with varying names and figures so
// the vocabulary and lengths are those of help-centre text; queries are the evaluation's questions.
//   --sizes 1000,10000,50000   chunk counts to measure at (cumulative: one workspace grows)
//   --queries 100              timed searches per mode per size (after 20 warm-up queries)
//   --pg-server URL            a fresh database on this server (superuser URL) instead of the embedded one
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { pct } from "./harness.ts";
import { answerLib, openSearchDb, pipeline, searchLib, selectLib } from "../test/eval/search/lib.ts";

const { values: args } = parseArgs({
  options: { sizes: { type: "string", default: "1000,10000,50000" }, queries: { type: "string", default: "100" }, "pg-server": { type: "string" } },
});
const sizes = args.sizes!.split(",").map(Number).sort((a, b) => a - b);
const queriesPerSize = Number(args.queries);
const evalDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../test/eval/search");

// Sentences of the evaluation documents by language, to recombine into synthetic documents.
const sentences: Record<string, string[]> = {};
for (const lang of ["en", "es", "fr"]) {
  const text = readFileSync(path.join(evalDir, `docs.${lang}.md`), "utf8").replace(/^<<<.*$/gm, "").replace(/^#.*$/gm, "");
  sentences[lang] = text.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter((s) => s.length > 30);
}
const questions = readFileSync(path.join(evalDir, "questions.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { q: string; lang: string });
const BRANDS = ["Acorn", "Birch", "Cobalt", "Dune", "Ember", "Fjord", "Garnet", "Harbor", "Indigo", "Juniper", "Kestrel", "Lumen", "Maple", "Nimbus", "Onyx", "Pioneer"];
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;

/** A synthetic help page of 25 sections (one chunk each) in one language. */
function syntheticDoc(n: number) {
  const lang = pick(["en", "en", "es", "fr"]);
  const brand = `${pick(BRANDS)} ${n}`;
  const sections = Array.from({ length: 25 }, (_, i) => {
    const body = Array.from({ length: 5 + Math.floor(rand() * 4) }, () => pick(sentences[lang]!).replace(/\d+/g, () => String(1 + Math.floor(rand() * 90)))).join(" ");
    return `## ${brand} topic ${i + 1}\n\n${body}`;
  });
  return { title: `${brand} help`, content: `# ${brand} help\n\n${sections.join("\n\n")}` };
}

const db = await (args["pg-server"] ? openSearchDb({ pgServer: args["pg-server"] }) : openSearchDb());
const backend = selectLib.selectKnowledgeBackend({});
const tenant = await db.createTenant("bench");
const chunkCount = async () => Number((await db.client.query("select count(*)::int as n from knowledge_chunks")).rows[0].n);

const timeIt = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};
const deps = (tx: never) => ({ embedder: backend.embedder, index: backend.index(tx, tenant) });

console.log(`\nKnowledge search benchmark (${args["pg-server"] ? "PostgreSQL server" : "embedded Postgres (PGlite)"}, offline lexical embedder, exact local index)`);
const rows: string[] = [];
let built = 0;
let buildMs = 0;
let docN = 0;
const titles: string[] = [];
for (const size of sizes) {
  const t0 = performance.now();
  let added = 0;
  while ((await chunkCount()) < size) {
    const d = syntheticDoc(docN++);
    titles.push(d.title);
    const id = await db.addDocument(tenant, { ...d, format: "markdown" });
    await pipeline.indexDocumentVersion(db as never, backend, tenant, id, 1);
    added++;
  }
  const chunks = await chunkCount();
  buildMs += performance.now() - t0;
  const perK = ((performance.now() - t0) / Math.max(1, chunks - built)) * 1000;
  built = chunks;
  // What autovacuum does on a server (the embedded database has no background workers).
  await db.client.query("analyze knowledge_chunks, knowledge_documents");
  // The first query after a change loads the namespace into the index's memory: reported apart.
  const cold = await timeIt(() => db.scoped({ tenantId: tenant }, (tx) => searchLib.search(tx as never, tenant, "refund", deps(tx as never), { mode: "vector", limit: 10 })));
  const results: Record<string, number[]> = { keyword: [], vector: [], hybrid: [], answer: [] };
  for (let i = 0; i < queriesPerSize + 20; i++) {
    const q = questions[i % questions.length]!;
    for (const mode of ["keyword", "vector", "hybrid"] as const) {
      const ms = await timeIt(() => db.scoped({ tenantId: tenant }, (tx) => searchLib.search(tx as never, tenant, q.q, deps(tx as never), { mode, limit: 10, language: q.lang })));
      if (i >= 20) results[mode]!.push(ms);
    }
    const ms = await timeIt(() =>
      db.scoped({ tenantId: tenant }, async (tx) => answerLib.composeAnswer(q.q, await searchLib.search(tx as never, tenant, q.q, deps(tx as never), { mode: "hybrid", limit: 8, language: q.lang }), { language: q.lang })),
    );
    if (i >= 20) results.answer!.push(ms);
  }
  const f = (xs: number[]) => `${pct(xs, 50).toFixed(1).padStart(6)} /${pct(xs, 95).toFixed(1).padStart(6)}`;
  rows.push(
    `  ${String(chunks).padStart(6)}  ${f(results.keyword!)}  ${f(results.vector!)}  ${f(results.hybrid!)}  ${f(results.answer!)}   ${perK.toFixed(0).padStart(6)} ms   ${cold.toFixed(0).padStart(5)} ms`,
  );
  console.log(`  built ${chunks} chunks (${added} documents added)`);
}
console.log("\n  chunks   keyword p50/p95   vector p50/p95   hybrid p50/p95   answer p50/p95   build/1k chunks   first vector query");
console.log("  (ms)");
for (const r of rows) console.log(r);
console.log(`  total build ${(buildMs / 1000).toFixed(1)} s for ${built} chunks`);

// The plan of keyword search at the largest size, for two queries: one of common words (in this
// synthetic corpus about a quarter of the chunks match, where a sequential scan is the right plan) and
// one selective (one document's number, in its 25 chunks only), which the GIN index on tsv must serve.
const configs = ["english", "french", "spanish"];
const explain = (query: string) =>
  db.scoped({ tenantId: tenant }, async (tx) => {
    const res = await tx.execute(sql`explain (analyze, buffers) ${searchLib.keywordSearchSql(tenant, query, configs, 10)}`);
    return (res.rows as Array<Record<string, string>>).map((r) => r["QUERY PLAN"] ?? "");
  });
// A document's number (above 90, which the bodies' figures never reach) is in its 25 headings only.
const selective = titles[Math.min(150, titles.length - 1)]!.replace(/^\S+ (\d+) help$/, "$1");
// The matching step runs inside parley_knowledge_match (a definer function: under RLS the planner may
// not use the index for `@@`), whose own plan EXPLAIN does not show: it is explained here as its owner.
const matchPlan = async (query: string) => {
  await db.client.query("begin");
  try {
    await db.client.query("select set_config('app.tenant_id', $1, true)", [tenant]);
    const tsq = configs.map((c) => `websearch_to_tsquery('${c}', $1)`).join(" || ");
    const res = await db.client.query(`explain (analyze) select c.id from knowledge_chunks c where c.tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid and c.tsv @@ (${tsq})`, [query]);
    return res.rows.map((r: Record<string, string>) => r["QUERY PLAN"] ?? "");
  } finally {
    await db.client.query("rollback");
  }
};
for (const query of ["how long do refunds take", selective]) {
  const plan = await explain(query);
  const inner = await matchPlan(searchLib.keywordQueryText(query));
  console.log(`\n  Keyword search ("${query}", ${configs.join("+")}), ${built} chunks: ${plan.find((l) => /Execution Time/.test(l))?.trim()}; its matching step:`);
  for (const line of inner) console.log(`    ${line}`);
  console.log(inner.some((l) => /knowledge_chunks_tsv_idx/.test(l)) ? "  → the GIN index knowledge_chunks_tsv_idx serves it" : "  → a sequential scan (the planner's choice for words in many chunks)");
}
await db.close();
