import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { knowledgeDocuments, type KnowledgeFormat } from "../../db/schema";
import { chunkId, chunkText, type Chunk } from "../../knowledge/chunk";
import { ExtractionError, extractText } from "../../knowledge/extract";
import { documentFilesPrefix, fileStoreOf, type FileStore } from "../../knowledge/file-store";
import { selectKnowledgeBackend, type KnowledgeBackend } from "../../knowledge/select";
import { pgArray, tsConfigFor } from "../../knowledge/text";
import type { VectorRecord } from "../../knowledge/vector-index";
import type { OutboxHandler } from "../../queues/outbox-consumer";
import type { OutboxMessage } from "../../queues/outbox-relay";
import { storedFile } from "./stored-file";
import { identifyLanguage, loadDetector } from "../../understanding/offline/language";

export interface IndexedChunk extends Chunk {
  id: string;
}

/** What gets embedded for a chunk: the document's title and the section path give the passage its context. */
export const embeddingText = (title: string, c: Pick<Chunk, "heading" | "content">, keywords: string[] = []) =>
  [title, c.heading, keywords.length ? keywords.join(", ") : null, c.content].filter(Boolean).join("\n");

export async function detectLanguage(text: string): Promise<string | null> {
  const lang = identifyLanguage(await loadDetector(), text.slice(0, 4000));
  return lang === "und" ? null : lang;
}

/**
 * Writes one document version's chunks (replacing whatever the document had: a re-run or a re-upload
 * never duplicates) with their full-text vectors in the document language's configuration.
 */
export async function writeChunks(tx: Tx, doc: { tenantId: string; id: string; title: string; intentKeywords: string[] }, version: number, language: string | null, chunks: IndexedChunk[]) {
  const config = tsConfigFor(language);
  const old = await tx.execute<{ id: string }>(sql`delete from knowledge_chunks where document_id = ${doc.id}::uuid returning id`);
  const keywords = doc.intentKeywords.join(" ");
  for (let i = 0; i < chunks.length; i += 200) {
    const batch = chunks.slice(i, i + 200);
    // Title, section path and intent keywords weigh more (A) than the body (B) in ts_rank.
    await tx.execute(sql`insert into knowledge_chunks (id, tenant_id, document_id, document_version, chunk_index, heading, content, token_count, ts_config, tsv)
      select r.id, ${doc.tenantId}::uuid, ${doc.id}::uuid, ${version}, r.idx, r.heading, r.content, r.tokens, ${config},
        setweight(to_tsvector(${config}::regconfig, ${doc.title} || ' ' || coalesce(r.heading, '') || ' ' || ${keywords}), 'A') ||
        setweight(to_tsvector(${config}::regconfig, r.content), 'B')
      from unnest(${pgArray(batch.map((c) => c.id))}::uuid[], ${pgArray(batch.map((c) => String(c.index)))}::int[],
        ${`{${batch.map((c) => (c.heading === null ? "NULL" : `"${c.heading.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)).join(",")}}`}::text[],
        ${pgArray(batch.map((c) => c.content))}::text[], ${pgArray(batch.map((c) => String(c.tokenCount)))}::int[]) as r(id, idx, heading, content, tokens)`);
  }
  const fresh = new Set(chunks.map((c) => c.id));
  return old.rows.map((r) => r.id).filter((id) => !fresh.has(id));
}

export async function prepareChunks(documentId: string, version: number, text: string, language: string | null): Promise<IndexedChunk[]> {
  const chunks = chunkText(text, { language: language ?? undefined });
  return Promise.all(chunks.map(async (c) => ({ ...c, id: await chunkId(documentId, version, c.index) })));
}

async function fail(tx: Tx, documentId: string, version: number, reason: string) {
  await tx
    .update(knowledgeDocuments)
    .set({ status: "failed", failureReason: reason.slice(0, 500), updatedAt: sql`now()` })
    .where(and(eq(knowledgeDocuments.id, documentId), eq(knowledgeDocuments.version, version)));
}

/**
 * The indexing pipeline for one document version, run from the outbox queue: extract → chunk →
 * embed → index. Idempotent: an event for a version that is no longer current, or already indexed,
 * does nothing; a retried run writes the same chunk ids. A document that cannot become text (a corrupt
 * PDF, no text) fails with the reason and nothing else changes; a transient failure (the embedding
 * model) is retried by the queue and, once retries are spent, fails the document (indexFailed).
 */
export async function indexDocumentVersion(
  db: { scoped: <T>(s: { tenantId: string }, fn: (tx: Tx) => Promise<T>) => Promise<T> },
  backend: KnowledgeBackend,
  tenantId: string,
  documentId: string,
  version: number,
  files?: FileStore,
) {
  const loaded = await db.scoped({ tenantId }, async (tx) => {
    const [doc] = await tx.select().from(knowledgeDocuments).where(and(eq(knowledgeDocuments.id, documentId), eq(knowledgeDocuments.tenantId, tenantId)));
    if (!doc || doc.version !== version || doc.indexedVersion === version) return undefined;
    const file = doc.format === "pdf" ? await storedFile(tx, documentId, version) : undefined;
    return { doc, bytes: file?.bytes ?? null, storageKey: file?.storageKey ?? null };
  });
  if (!loaded) return "skipped" as const;
  const { doc, storageKey } = loaded;
  let { bytes } = loaded;
  if (storageKey) {
    // Read outside any transaction (a remote call never waits inside one). A store that is not bound,
    // or an object that is gone, is a reason the document cannot be indexed, not a reason to retry.
    if (!files) {
      await db.scoped({ tenantId }, (tx) => fail(tx, documentId, version, "The file is in object storage, which is not configured (KNOWLEDGE_FILES)"));
      return "failed" as const;
    }
    bytes = await files.get(storageKey);
    if (!bytes) {
      await db.scoped({ tenantId }, (tx) => fail(tx, documentId, version, "The uploaded file is missing from storage; upload it again"));
      return "failed" as const;
    }
  }

  let text: string;
  try {
    text = await extractText(doc.format as KnowledgeFormat, { text: doc.contentRaw, bytes });
  } catch (err) {
    if (!(err instanceof ExtractionError)) throw err;
    await db.scoped({ tenantId }, (tx) => fail(tx, documentId, version, err.message));
    return "failed" as const;
  }
  const language = doc.language ?? (await detectLanguage(text));
  const chunks = await prepareChunks(documentId, version, text, language);
  if (chunks.length === 0) {
    await db.scoped({ tenantId }, (tx) => fail(tx, documentId, version, "The document has no text to index"));
    return "failed" as const;
  }
  const vectors = await backend.embedder.embed(chunks.map((c) => embeddingText(doc.title, c, doc.intentKeywords)), "passage");
  const records: VectorRecord[] = chunks.map((c, i) => ({
    id: c.id,
    values: vectors[i]!,
    metadata: { document_id: documentId, visibility: doc.visibility, language: language ?? "und", model: backend.embedder.model },
  }));
  // Remote index: vectors go in before the chunks commit (ids are stable, so a retry overwrites them).
  if (backend.remote) await backend.remote.upsert(tenantId, records);

  const stale = await db.scoped({ tenantId }, async (tx) => {
    const [cur] = await tx.select({ version: knowledgeDocuments.version }).from(knowledgeDocuments).where(eq(knowledgeDocuments.id, documentId)).for("update");
    if (!cur || cur.version !== version) return null; // deleted or edited meanwhile: the newer event indexes it
    const stale = await writeChunks(tx, doc, version, language, chunks);
    if (!backend.remote) {
      const index = backend.index(tx, tenantId);
      await index.deleteByIds(tenantId, stale);
      await index.upsert(tenantId, records);
    }
    await tx
      .update(knowledgeDocuments)
      .set({
        status: "ready",
        failureReason: null,
        chunkCount: chunks.length,
        language,
        indexedVersion: version,
        ...(doc.format === "pdf" && { contentRaw: text.slice(0, 1_000_000) }),
        updatedAt: sql`now()`,
      })
      .where(eq(knowledgeDocuments.id, documentId));
    return stale;
  });
  if (stale?.length && backend.remote) await backend.remote.deleteByIds(tenantId, stale);
  // Deleted or superseded while this ran: the vectors just written belong to nothing.
  if (stale === null && backend.remote) await backend.remote.deleteByIds(tenantId, records.map((r) => r.id));
  return stale === null ? ("skipped" as const) : ("indexed" as const);
}

export const indexDocument: OutboxHandler = async ({ ctx, event }) => {
  const { document_id, version } = event.payload as { document_id: string; version: number };
  const env = ctx.env as unknown as Record<string, unknown>;
  await indexDocumentVersion(ctx.db, selectKnowledgeBackend(env), event.tenant_id, document_id, version, fileStoreOf(env));
};

/**
 * A deleted document's vectors leave the index and its files leave object storage (its chunks and rows
 * already left Postgres with it). Both are idempotent: a redelivered event deletes nothing twice.
 */
export const removeDocumentVectors: OutboxHandler = async ({ ctx, event }) => {
  const { document_id, chunk_ids } = event.payload as { document_id: string; chunk_ids: string[] };
  const env = ctx.env as unknown as Record<string, unknown>;
  const files = fileStoreOf(env);
  if (files) await files.deletePrefix(documentFilesPrefix(event.tenant_id, document_id));
  if (!chunk_ids.length) return;
  const backend = selectKnowledgeBackend(env);
  if (backend.remote) await backend.remote.deleteByIds(event.tenant_id, chunk_ids);
  else await ctx.db.scoped({ tenantId: event.tenant_id }, (tx) => backend.index(tx, event.tenant_id).deleteByIds(event.tenant_id, chunk_ids));
};

/** Dead letter: indexing kept failing (the embedding model down for long): the document says so. */
export async function indexFailed(tx: Tx, event: OutboxMessage) {
  const { document_id, version } = event.payload as { document_id: string; version: number };
  await fail(tx, document_id, version, "Indexing kept failing; edit the document to try again");
}
