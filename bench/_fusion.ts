import { readFileSync } from "node:fs";
import path from "node:path";
import { answerLib, openSearchDb, pipeline, searchLib, selectLib } from "../test/eval/search/lib.ts";
const dir = path.join(process.cwd(), "test/eval/search");
const args: Record<string, string | undefined> = {};
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


type P = { chunkId: string; documentId: string; content: string; heading: string | null; title: string; score: number };
const lists: Array<{ q: Question; kw: P[]; vec: P[] }> = [];
for (const q of questions) {
  const [kw, vec] = await db.scoped({ tenantId: tenant }, async (tx) => [
    await searchLib.search(tx as never, tenant, q.q, deps(tx as never), { mode: "keyword", limit: 40 }),
    await searchLib.search(tx as never, tenant, q.q, deps(tx as never), { mode: "vector", limit: 40 }),
  ]);
  lists.push({ q, kw: kw as P[], vec: vec as P[] });
}
const recall5 = (rank: (l: (typeof lists)[number]) => P[]) => lists.filter((l) => rank(l).slice(0, 5).some((p) => isRelevant(l.q, p))).length / lists.length;
console.log("keyword", recall5((l) => l.kw).toFixed(3), "vector", recall5((l) => l.vec).toFixed(3));
for (const k of [5, 20, 60]) for (const w of [0.2, 0.35, 0.5, 0.7, 1]) {
  const r = recall5((l) => { const m = new Map<string, P & { s: number }>(); for (const [li, list] of [l.kw, l.vec].entries()) list.forEach((p, i) => { const add = (li ? w : 1) / (k + i + 1); const c = m.get(p.chunkId); if (c) c.s += add; else m.set(p.chunkId, { ...p, s: add }); }); return [...m.values()].sort((a, b) => b.s - a.s); });
  console.log("rrf k", k, "w", w, r.toFixed(3));
}
const mm = (list: P[]) => { if (!list.length) return new Map<string, number>(); const hi = list[0]!.score; const lo = Math.min(...list.map((p) => p.score)); return new Map(list.map((p) => [p.chunkId, hi === lo ? 1 : (p.score - lo) / (hi - lo)])); };
const tm = (list: P[], floor: number) => { if (!list.length) return new Map<string, number>(); const hi = list[0]!.score; return new Map(list.map((p) => [p.chunkId, hi === floor ? 1 : (p.score - floor) / (hi - floor)])); };
for (const a of [0.5, 0.6, 0.7, 0.8, 0.9]) {
  for (const kind of ["minmax", "theory"]) {
    const r = recall5((l) => { const nk = kind === "minmax" ? mm(l.kw) : tm(l.kw, 0); const nv = kind === "minmax" ? mm(l.vec) : tm(l.vec, 0); const all = new Map<string, P>(); for (const p of [...l.kw, ...l.vec]) all.set(p.chunkId, p); return [...all.values()].map((p) => ({ ...p, s: a * (nk.get(p.chunkId) ?? 0) + (1 - a) * (nv.get(p.chunkId) ?? 0) })).sort((x, y) => y.s - x.s); });
    console.log("convex", kind, "alpha", a, r.toFixed(3));
  }
}
await db.close();
