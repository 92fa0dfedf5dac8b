// One contract for each port of knowledge search, run against the offline adapters and against the
// production adapters over doubles of their bindings (Vectorize and Workers AI are remote-only).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Database } from "../src/db/client";
import { loadConfig, type Env } from "../src/env";
import { extract } from "../src/knowledge/answer";
import { chunkText } from "../src/knowledge/chunk";
import { type AiRunner, type Embedder, lexicalEmbedder, workersAiEmbedder } from "../src/knowledge/embedder";
import { fuse, type Passage } from "../src/knowledge/search";
import { localVectorIndex, type VectorIndex, type VectorizeBinding, vectorizeIndex } from "../src/knowledge/vector-index";
import { createTenant } from "./harness";

/**
 * A double of a Vectorize V2 index binding as documented: vectors live in namespaces (one per
 * workspace), `query` ranks by cosine similarity within one namespace, `filter` matches metadata with
 * `$eq`, topK is capped at 100 without values, and `deleteByIds` deletes across namespaces.
 */
function vectorizeDouble(): VectorizeBinding & { calls: string[] } {
  const rows = new Map<string, { id: string; values: number[]; namespace: string; metadata: Record<string, unknown> }>();
  const calls: string[] = [];
  const cos = (a: number[], b: number[]) => {
    let d = 0, na = 0, nb = 0;
    for (let i = 0; i < a.length; i++) { d += a[i]! * b[i]!; na += a[i]! ** 2; nb += b[i]! ** 2; }
    return d / (Math.sqrt(na * nb) || 1);
  };
  return {
    calls,
    async upsert(vectors) {
      calls.push(`upsert:${vectors.length}`);
      if (vectors.length > 1000) throw new Error("VECTOR_UPSERT_ERROR: too many vectors");
      for (const v of vectors) rows.set(v.id, { id: v.id, values: v.values, namespace: v.namespace ?? "", metadata: v.metadata ?? {} });
      return { mutationId: crypto.randomUUID() };
    },
    async query(vector, options) {
      calls.push(`query:${options.namespace}`);
      if (options.topK > 100) throw new Error("VECTOR_QUERY_ERROR: topK too large");
      const filter = (options.filter ?? {}) as Record<string, { $eq: unknown }>;
      const matches = [...rows.values()]
        .filter((r) => r.namespace === (options.namespace ?? "") && Object.entries(filter).every(([k, f]) => r.metadata[k] === f.$eq))
        .map((r) => ({ id: r.id, score: cos(vector, r.values), namespace: r.namespace }))
        .sort((a, b) => b.score - a.score)
        .slice(0, options.topK);
      return { matches, count: matches.length };
    },
    async deleteByIds(ids) {
      calls.push(`delete:${ids.length}`);
      for (const id of ids) rows.delete(id);
      return { mutationId: crypto.randomUUID() };
    },
  };
}

/** A double of `env.AI.run` for bge-m3: `{ text: string[] }` in, `{ shape, data }` out, 1024 numbers per text. */
function workersAiDouble(): AiRunner & { models: string[] } {
  const models: string[] = [];
  return {
    models,
    async run(model, input) {
      models.push(model);
      const texts = (input as { text: string[] }).text;
      if (!Array.isArray(texts) || texts.length > 100) throw new Error("AiError: 5006: invalid input");
      const data = texts.map((t) => {
        // Deterministic stand-in values derived from the text (the double is not a model).
        const v = new Array(1024).fill(0);
        for (let i = 0; i < t.length; i++) v[(t.charCodeAt(i) * 31 + i) % 1024] += 1;
        const n = Math.hypot(...v) || 1;
        return v.map((x) => x / n);
      });
      return { shape: [texts.length, 1024], data, pooling: "cls" };
    },
  };
}

function embedderContract(name: string, make: () => Embedder) {
  describe(`${name} embedder contract`, () => {
    it("answers one unit vector of its dimensions per text, in order, the same every time", async () => {
      const e = make();
      const texts = ["Refunds take five business days", "Los reembolsos tardan cinco días", "", "x".repeat(5000)];
      const a = await e.embed(texts, "passage");
      const b = await e.embed(texts, "passage");
      expect(a).toHaveLength(texts.length);
      for (const v of a) expect(v).toHaveLength(e.dimensions);
      expect(a).toEqual(b);
      for (const v of a.filter((v) => v.some((x) => x !== 0))) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
      const many = await e.embed(Array.from({ length: 130 }, (_, i) => `text number ${i}`), "passage");
      expect(many).toHaveLength(130);
    });
  });
}

function indexContract(name: string, open: () => Promise<{ index: VectorIndex; ns: string; other: string; done?: () => Promise<void> }>) {
  describe(`${name} vector index contract`, () => {
    const unit = (i: number, dims = 8) => Array.from({ length: dims }, (_, j) => (j === i ? 1 : 0));
    const meta = (doc: string, visibility: "public" | "internal" = "public") => ({ document_id: doc, visibility, language: "en", model: "m" });

    it("ranks by cosine within the namespace, filters on metadata, replaces on upsert, deletes by id", async () => {
      const { index, ns, other, done } = await open();
      try {
        const ids = Array.from({ length: 4 }, () => crypto.randomUUID());
        await index.upsert(ns, [
          { id: ids[0]!, values: unit(0), metadata: meta("d1") },
          { id: ids[1]!, values: [0.9, 0.1, 0, 0, 0, 0, 0, 0], metadata: meta("d1", "internal") },
          { id: ids[2]!, values: unit(2), metadata: meta("d2") },
        ]);
        await index.upsert(other, [{ id: ids[3]!, values: unit(0), metadata: meta("d9") }]);
        const q = unit(0);
        const all = await index.query(ns, q, { topK: 10 });
        expect(all.map((m) => m.id)).toEqual([ids[0], ids[1], ids[2]]);
        expect(all[0]!.score).toBeCloseTo(1, 5);
        expect(all.map((m) => m.id)).not.toContain(ids[3]); // another namespace is never searched
        expect((await index.query(ns, q, { topK: 10, filter: { visibility: "public" } })).map((m) => m.id)).toEqual([ids[0], ids[2]]);
        expect((await index.query(ns, q, { topK: 1 })).map((m) => m.id)).toEqual([ids[0]]);
        await index.upsert(ns, [{ id: ids[0]!, values: unit(3), metadata: meta("d1") }]);
        expect((await index.query(ns, q, { topK: 1 }))[0]!.id).toBe(ids[1]);
        await index.deleteByIds(ns, [ids[1]!, ids[2]!]);
        expect((await index.query(ns, q, { topK: 10 })).map((m) => m.id)).toEqual([ids[0]]);
        expect((await index.query(other, q, { topK: 10 })).map((m) => m.id)).toEqual([ids[3]]);
      } finally {
        await done?.();
      }
    });
  });
}

embedderContract("offline lexical", () => lexicalEmbedder);
embedderContract("Workers AI (double)", () => workersAiEmbedder(workersAiDouble()));

indexContract("Vectorize (double)", async () => ({ index: vectorizeIndex(vectorizeDouble()), ns: crypto.randomUUID(), other: crypto.randomUUID() }));

indexContract("local (Postgres)", async () => {
  // The local index lives in the workspace's rows, so each namespace here is a real tenant.
  const [a, b] = await Promise.all([createTenant("IndexA"), createTenant("IndexB")]);
  const db = new Database(loadConfig(env as unknown as Env));
  // Each call runs in its own tenant transaction, as the pipeline and search do.
  const scoped = (tenantId: string): VectorIndex => ({
    kind: "local",
    upsert: (ns, r) => db.scoped({ tenantId }, (tx) => localVectorIndex(tx, tenantId).upsert(ns, r)),
    query: (ns, v, o) => db.scoped({ tenantId }, (tx) => localVectorIndex(tx, tenantId).query(ns, v, o)),
    deleteByIds: (ns, ids) => db.scoped({ tenantId }, (tx) => localVectorIndex(tx, tenantId).deleteByIds(ns, ids)),
  });
  const ia = scoped(a.id);
  const ib = scoped(b.id);
  const index: VectorIndex = {
    kind: "local",
    upsert: (ns, r) => (ns === a.id ? ia : ib).upsert(ns, r),
    query: (ns, v, o) => (ns === a.id ? ia : ib).query(ns, v, o),
    deleteByIds: (ns, ids) => (ns === a.id ? ia : ib).deleteByIds(ns, ids),
  };
  return { index, ns: a.id, other: b.id, done: () => db.close() };
});

describe("Workers AI embedder", () => {
  it("calls bge-m3 in batches and refuses an answer of the wrong shape", async () => {
    const ai = workersAiDouble();
    await workersAiEmbedder(ai).embed(Array.from({ length: 120 }, (_, i) => `t${i}`), "passage");
    expect(ai.models).toEqual(["@cf/baai/bge-m3", "@cf/baai/bge-m3", "@cf/baai/bge-m3"]);
    const broken = workersAiEmbedder({ run: async () => ({ data: [[1, 2]] }) });
    await expect(broken.embed(["a"], "query")).rejects.toThrow(/wrong shape/);
  });
});

describe("chunking and fusion", () => {
  it("never crosses a heading, overlaps long sections and counts tokens", () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} explains one more detail of the refund rules.`).join(" ");
    const chunks = chunkText(`# Guide\n\nIntro.\n\n## Refunds\n\n${long}\n\n## Exchanges\n\nExchanges are free.`);
    expect(chunks.map((c) => c.heading)).toEqual(["Guide", ...chunks.slice(1, -1).map(() => "Guide › Refunds"), "Guide › Exchanges"]);
    const refunds = chunks.filter((c) => c.heading === "Guide › Refunds");
    expect(refunds.length).toBeGreaterThan(1);
    const lastOfFirst = refunds[0]!.content.split(". ").at(-1)!.replace(/\.$/, "");
    expect(refunds[1]!.content).toContain(lastOfFirst); // the overlap
    expect(chunks.every((c) => c.tokenCount > 0 && c.tokenCount <= 260)).toBe(true);
  });

  it("answers with the sentence, not the heading line a PDF's text carries before it", () => {
    const pdfText = "Returns\nYou can return unused items within 30 days.\n\nRefund timing\nRefunds reach your card within 5 business days.";
    expect(extract("How long do refunds take to reach my card?", pdfText, "en")).toBe("Refunds reach your card within 5 business days.");
    // A line that ends a thought is kept, heading-like or not.
    expect(extract("when is it open", "Open daily.\nWe open at nine and close at six every day of the week.", "en")).toMatch(/^Open daily\. We open at nine/);
  });

  it("fuses by reciprocal rank: agreeing lists beat a single first place", () => {
    const p = (id: string): Passage => ({ chunkId: id, documentId: id, title: id, heading: null, content: id, language: "en", visibility: "public", score: 0 });
    const fused = fuse([[p("a"), p("b"), p("c")], [p("b"), p("d"), p("a")]], 3);
    expect(fused.map((x) => x.chunkId)).toEqual(["b", "a", "d"]);
  });
});
