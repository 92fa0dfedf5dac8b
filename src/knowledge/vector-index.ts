import { sql } from "drizzle-orm";
import type { SqlReader } from "../db/client";
import { setBounded } from "../lib/bounded-map";
import { base64 } from "../lib/crypto";
import { pgArray } from "./text";

/** What every vector carries, so the index itself can filter (and so a foreign id can be recognised). */
export interface VectorMetadata {
  document_id: string;
  visibility: "public" | "internal";
  language: string;
  model: string;
}

export interface VectorRecord {
  id: string;
  values: number[];
  metadata: VectorMetadata;
}

export interface VectorMatch {
  id: string;
  score: number;
}

export type VectorFilter = Partial<Pick<VectorMetadata, "document_id" | "visibility" | "language" | "model">>;

/**
 * A vector index with one namespace per workspace. Scores are cosine similarities (higher is closer).
 * Implementations: Vectorize in production, an exact index stored in Postgres offline.
 */
export interface VectorIndex {
  readonly kind: string;
  upsert(namespace: string, records: VectorRecord[]): Promise<void>;
  query(namespace: string, vector: number[], opts: { topK: number; filter?: VectorFilter }): Promise<VectorMatch[]>;
  deleteByIds(namespace: string, ids: string[]): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Production: Vectorize. The binding's shape as documented (V2 indexes): upsert, query, deleteByIds.
// Metadata filters need metadata indexes on `visibility`, `document_id`, `language` and `model`
// (`wrangler vectorize create-metadata-index`).
// ---------------------------------------------------------------------------------------------------

export interface VectorizeBinding {
  upsert(vectors: Array<{ id: string; values: number[]; namespace?: string; metadata?: Record<string, string | number | boolean> }>): Promise<unknown>;
  query(
    vector: number[],
    options: { topK: number; namespace?: string; filter?: Record<string, unknown>; returnValues?: boolean; returnMetadata?: "none" | "indexed" | "all" | boolean },
  ): Promise<{ matches: Array<{ id: string; score: number; namespace?: string }>; count?: number }>;
  deleteByIds(ids: string[]): Promise<unknown>;
}

/** Vectorize takes at most 1000 vectors per upsert through a Worker binding. */
const VECTORIZE_BATCH = 500;
/** Its topK limit when values and full metadata are not returned. */
const VECTORIZE_MAX_TOP_K = 100;

export function vectorizeIndex(binding: VectorizeBinding): VectorIndex {
  return {
    kind: "vectorize",
    async upsert(namespace, records) {
      for (let i = 0; i < records.length; i += VECTORIZE_BATCH) {
        await binding.upsert(records.slice(i, i + VECTORIZE_BATCH).map((r) => ({ id: r.id, values: r.values, namespace, metadata: { ...r.metadata } })));
      }
    },
    async query(namespace, vector, opts) {
      const filter = Object.fromEntries(Object.entries(opts.filter ?? {}).map(([k, v]) => [k, { $eq: v }]));
      const res = await binding.query(vector, {
        topK: Math.min(opts.topK, VECTORIZE_MAX_TOP_K),
        namespace,
        ...(Object.keys(filter).length && { filter }),
        returnValues: false,
        returnMetadata: "none",
      });
      return res.matches.map((m) => ({ id: m.id, score: m.score }));
    },
    async deleteByIds(_namespace, ids) {
      for (let i = 0; i < ids.length; i += VECTORIZE_BATCH) await binding.deleteByIds(ids.slice(i, i + VECTORIZE_BATCH));
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Offline: an exact index (every vector compared, no approximation) kept in Postgres under the same
// row-level security as everything else, with the workspace's vectors cached in the isolate. A
// generation counter per namespace, bumped in the same transaction as each change, tells the cache it
// is stale; the scan itself runs in memory, where 10k vectors take a few milliseconds.
// ---------------------------------------------------------------------------------------------------

interface CachedNamespace {
  generation: number;
  ids: string[];
  metadata: VectorMetadata[];
  dims: number;
  matrix: Float32Array;
}

const cache = new Map<string, CachedNamespace>();
const MAX_CACHED_NAMESPACES = 64;

const toBase64 = (values: number[]) => base64(new Uint8Array(new Float32Array(values).buffer));

function fromBase64(b64: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

async function bump(tx: SqlReader, tenantId: string, namespace: string) {
  await tx.execute(sql`insert into knowledge_vector_generations (tenant_id, namespace, generation) values (${tenantId}::uuid, ${namespace}, 1)
    on conflict (tenant_id, namespace) do update set generation = knowledge_vector_generations.generation + 1`);
}

/**
 * The local index through one tenant-scoped database (a transaction, or a reader for a search): RLS
 * holds it to that workspace's rows.
 */
export function localVectorIndex(tx: SqlReader, tenantId: string): VectorIndex {
  return {
    kind: "local",
    async upsert(namespace, records) {
      if (records.length === 0) return;
      for (let i = 0; i < records.length; i += 200) {
        const batch = records.slice(i, i + 200);
        await tx.execute(sql`insert into knowledge_vectors (tenant_id, namespace, id, "values", metadata)
          select ${tenantId}::uuid, ${namespace}, r.id, decode(r.v, 'base64'), r.m::jsonb
          from unnest(${pgArray(batch.map((r) => r.id))}::text[], ${pgArray(batch.map((r) => toBase64(r.values)))}::text[], ${pgArray(batch.map((r) => JSON.stringify(r.metadata)))}::text[]) as r(id, v, m)
          on conflict (tenant_id, namespace, id) do update set "values" = excluded."values", metadata = excluded.metadata`);
      }
      await bump(tx, tenantId, namespace);
    },
    async deleteByIds(namespace, ids) {
      if (ids.length === 0) return;
      await tx.execute(sql`delete from knowledge_vectors where tenant_id = ${tenantId}::uuid and namespace = ${namespace} and id = any(${pgArray(ids)}::text[])`);
      await bump(tx, tenantId, namespace);
    },
    async query(namespace, vector, opts) {
      const gen = await tx.execute<{ generation: string | number }>(
        sql`select generation from knowledge_vector_generations where tenant_id = ${tenantId}::uuid and namespace = ${namespace}`,
      );
      const generation = Number(gen.rows[0]?.generation ?? 0);
      const key = `${tenantId}:${namespace}`;
      let ns = cache.get(key);
      if (!ns || ns.generation !== generation) {
        const rows = await tx.execute<{ id: string; v: string; metadata: VectorMetadata }>(
          sql`select id, encode("values", 'base64') as v, metadata from knowledge_vectors where tenant_id = ${tenantId}::uuid and namespace = ${namespace} order by id`,
        );
        const dims = rows.rows.length ? fromBase64(rows.rows[0]!.v.replace(/\s/g, "")).length : vector.length;
        const matrix = new Float32Array(rows.rows.length * dims);
        rows.rows.forEach((r, i) => {
          matrix.set(fromBase64(r.v.replace(/\s/g, "")).subarray(0, dims), i * dims);
        });
        ns = { generation, ids: rows.rows.map((r) => r.id), metadata: rows.rows.map((r) => r.metadata), dims, matrix };
        setBounded(cache, key, ns, MAX_CACHED_NAMESPACES);
      }
      if (ns.dims !== vector.length) return [];
      const q = Float32Array.from(vector);
      const filter = Object.entries(opts.filter ?? {});
      const { dims, matrix, ids, metadata } = ns;
      const k = Math.max(0, opts.topK);
      // The best k kept sorted as they are found (ties by id, as a full sort would order them): at 10k
      // vectors and k = 40 this skips sorting (and allocating) ten thousand scores.
      const top: VectorMatch[] = [];
      const better = (score: number, id: string, than: VectorMatch) => score > than.score || (score === than.score && id < than.id);
      for (let i = 0; i < ids.length; i++) {
        if (filter.length && !filter.every(([key, v]) => metadata[i]![key as keyof VectorMetadata] === v)) continue;
        let dot = 0;
        const off = i * dims;
        for (let j = 0; j < dims; j++) dot += matrix[off + j]! * q[j]!;
        if (k === 0 || (top.length === k && !better(dot, ids[i]!, top[k - 1]!))) continue;
        const hit = { id: ids[i]!, score: dot };
        if (top.length < k) top.push(hit);
        else top[k - 1] = hit;
        for (let at = top.length - 1; at > 0 && better(top[at]!.score, top[at]!.id, top[at - 1]!); at--) [top[at], top[at - 1]] = [top[at - 1]!, top[at]!];
      }
      return top;
    },
  };
}
