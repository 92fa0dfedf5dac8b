// `npm run eval:search` — retrieval quality of knowledge search, offline, on the committed set in
// test/eval/search/: 60 documents in English, Spanish and French (several businesses in ONE workspace,
// so topics such as refunds, parking or cancellation compete across documents), 197 questions written
// as customers ask them, each with the phrase of the passage that answers it, and 22 questions the
// documents do not answer.
//
// A retrieved passage is relevant when it is from the right document AND contains the answer phrase,
// so a hit on the wrong section of the right document does not count. Prints recall@5 and MRR@10 for
// keyword, vector and hybrid search, per language, the failing hybrid questions with the reason, and
// how the offline answerer's confidence behaves on answerable and unanswerable questions.
// Not a test: it reports and exits 0. The pipeline and search are the Worker's own code (Postgres
// full-text search with the documents' language configurations; the offline LEXICAL embedder and the
// exact local vector index).
//   --verbose   print every failing question for each mode, not only hybrid's
//   --pg-server URL   a fresh database on this PostgreSQL server (superuser URL) instead of the embedded one
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { answerLib, openSearchDb, pipeline, searchLib, selectLib } from "./search/lib.ts";

const { values: args } = parseArgs({ options: { verbose: { type: "boolean", default: false }, "pg-server": { type: "string" } } });
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "search");

interface Question { id: string; lang: string; doc: string; answer: string; q: string }
const norm = (s: string) => s.replace(/\s+/g, " ").toLowerCase();

function loadDocs() {
  const docs: Array<{ key: string; title: string; content: string; lang: string }> = [];
  for (const lang of ["en", "es", "fr"]) {
    const text = readFileSync(path.join(dir, `docs.${lang}.md`), "utf8");
    for (const part of text.split(/^<<< /m).slice(1)) {
      const nl = part.indexOf("\n");
      const [key, title] = part.slice(0, nl).split("|").map((s) => s.trim());
      docs.push({ key: key!, title: title!, content: part.slice(nl + 1).trim(), lang });
    }
  }
  return docs;
}
const readJsonl = <T>(f: string) => readFileSync(path.join(dir, f), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as T);

const docs = loadDocs();
const questions = readJsonl<Question>("questions.jsonl");
const unanswerable = readJsonl<{ lang: string; q: string }>("unanswerable.jsonl");

const db = await openSearchDb({ pgServer: args["pg-server"] });
const backend = selectLib.selectKnowledgeBackend({});
const tenant = await db.createTenant("eval");
const idOf = new Map<string, string>();
const keyOf = new Map<string, string>();
const t0 = performance.now();
for (const d of docs) {
  // The language is detected by the pipeline, as for an upload that does not name one.
  const id = await db.addDocument(tenant, { title: d.title, content: d.content, format: "markdown" });
  idOf.set(d.key, id);
  keyOf.set(id, d.key);
  const r = await pipeline.indexDocumentVersion(db as never, backend, tenant, id, 1);
  if (r !== "indexed") throw new Error(`document ${d.key} was not indexed: ${r}`);
}
const indexMs = performance.now() - t0;
const stats = (await db.client.query("select count(*)::int as chunks, sum(token_count)::int as tokens from knowledge_chunks")).rows[0];
const detected = (await db.client.query("select language, count(*)::int as n from knowledge_documents group by 1 order by 1")).rows;

type Mode = "keyword" | "vector" | "hybrid";
const MODES: Mode[] = ["keyword", "vector", "hybrid"];
const deps = (tx: never) => ({ embedder: backend.embedder, index: backend.index(tx, tenant) });
const isRelevant = (q: Question, p: { documentId: string; content: string; heading: string | null; title: string }) =>
  keyOf.get(p.documentId) === q.doc && norm(`${p.content}`).includes(norm(q.answer));

const results: Record<Mode, Array<{ q: Question; rank: number | null; docRank: number | null; top: string }>> = { keyword: [], vector: [], hybrid: [] };
for (const q of questions) {
  for (const mode of MODES) {
    const passages = await db.scoped({ tenantId: tenant }, (tx) => searchLib.search(tx as never, tenant, q.q, deps(tx as never), { mode, limit: 10 }));
    const i = passages.findIndex((p) => isRelevant(q, p));
    const d = passages.findIndex((p) => keyOf.get(p.documentId) === q.doc);
    results[mode].push({ q, rank: i >= 0 ? i + 1 : null, docRank: d >= 0 ? d + 1 : null, top: passages[0] ? `${keyOf.get(passages[0].documentId)} / ${passages[0].heading ?? "-"}` : "(nothing)" });
  }
}

const recallAt = (rows: typeof results.hybrid, k: number) => rows.filter((r) => r.rank !== null && r.rank <= k).length / rows.length;
const mrr = (rows: typeof results.hybrid) => rows.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / rows.length;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

console.log(`\nKnowledge search evaluation (offline: Postgres full-text + lexical embedder ${backend.embedder.model} + exact local index)`);
console.log(`  ${docs.length} documents (${["en", "es", "fr"].map((l) => `${docs.filter((d) => d.lang === l).length} ${l}`).join(", ")}), ${stats.chunks} chunks, ${stats.tokens} tokens; indexed in ${(indexMs / 1000).toFixed(1)} s`);
console.log(`  detected document languages: ${detected.map((r: { language: string; n: number }) => `${r.language ?? "none"} ${r.n}`).join(", ")}`);
console.log(`  ${questions.length} answerable questions (${["en", "es", "fr"].map((l) => `${questions.filter((q) => q.lang === l).length} ${l}`).join(", ")}), ${unanswerable.length} unanswerable\n`);
console.log("  mode      recall@1  recall@5  recall@10  MRR@10   | recall@5 en / es / fr");
for (const mode of MODES) {
  const rows = results[mode];
  const byLang = ["en", "es", "fr"].map((l) => pct(recallAt(rows.filter((r) => r.q.lang === l), 5))).join(" / ");
  console.log(`  ${mode.padEnd(8)}  ${pct(recallAt(rows, 1)).padStart(8)}  ${pct(recallAt(rows, 5)).padStart(8)}  ${pct(recallAt(rows, 10)).padStart(9)}  ${mrr(rows).toFixed(3).padStart(6)}   | ${byLang}`);
}

const reason = (r: (typeof results.hybrid)[number]) =>
  r.rank !== null ? `right passage at rank ${r.rank}` : r.docRank !== null ? `right document (rank ${r.docRank}) but not the passage with the answer` : "right document not in the top 10";
for (const mode of args.verbose ? MODES : (["hybrid"] as Mode[])) {
  const failing = results[mode].filter((r) => r.rank === null || r.rank > 5);
  console.log(`\n  ${mode} misses at 5 (${failing.length}):`);
  for (const r of failing) console.log(`    ${r.q.id} [${r.q.lang}] "${r.q.q}" → ${reason(r)}; top: ${r.top}`);
}

// The answerer: confident only when it should be, and citing the passage with the answer when it is.
let confidentRight = 0;
let confidentWrong = 0;
let declined = 0;
let sameLanguage = 0;
const wrong: string[] = [];
for (const q of questions) {
  const a = await db.scoped({ tenantId: tenant }, async (tx) => {
    const passages = await searchLib.search(tx as never, tenant, q.q, deps(tx as never), { mode: "hybrid", limit: 8, language: q.lang });
    return answerLib.composeAnswer(q.q, passages, { language: q.lang });
  });
  if (!a.confident) declined++;
  else if (a.citations.some((c) => keyOf.get(c.documentId) === q.doc)) {
    confidentRight++;
    if (a.language === q.lang) sameLanguage++;
  } else {
    confidentWrong++;
    wrong.push(`${q.id} "${q.q}" cited ${a.citations.map((c) => keyOf.get(c.documentId)).join(", ")}`);
  }
}
let falseConfident = 0;
const falseList: string[] = [];
for (const u of unanswerable) {
  const a = await db.scoped({ tenantId: tenant }, async (tx) => {
    const passages = await searchLib.search(tx as never, tenant, u.q, deps(tx as never), { mode: "hybrid", limit: 8, language: u.lang });
    return answerLib.composeAnswer(u.q, passages, { language: u.lang });
  });
  if (a.confident) {
    falseConfident++;
    falseList.push(`"${u.q}" → ${a.citations.map((c) => keyOf.get(c.documentId)).join(", ")}`);
  }
}
console.log(`\n  Answers (offline, extractive) on the ${questions.length} answerable questions:`);
console.log(`    confident and citing the right document: ${confidentRight} (${pct(confidentRight / questions.length)}), in the asker's language: ${sameLanguage}`);
console.log(`    confident but citing another document:   ${confidentWrong} (${pct(confidentWrong / questions.length)})`);
console.log(`    not confident (the bot hands over):      ${declined} (${pct(declined / questions.length)})`);
for (const w of wrong) console.log(`      wrong: ${w}`);
console.log(`  On the ${unanswerable.length} unanswerable questions: confident (a wrong answer would be sent) ${falseConfident} (${pct(falseConfident / unanswerable.length)})`);
for (const f of falseList) console.log(`      ${f}`);

await db.close();
