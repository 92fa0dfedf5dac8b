import { and, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { knowledgeChunks, knowledgeDocuments, knowledgeFiles, type KnowledgeFormat } from "../../db/schema";
import { base64 } from "../../lib/crypto";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { AppError, notFound } from "../../lib/errors";
import { publishOutbox } from "../../queues/outbox-relay";
import { withTenant, type Principal } from "../access";
import type { ServiceContext } from "../context";
import { authorOf, recordChange, type Author } from "../tickets/author";
import { parseInput } from "../tickets/validate";
import { documentFileKey, documentFilesPrefix, fileStoreOf } from "../../knowledge/file-store";
import { storedFile } from "./stored-file";
import { DocumentInput, DocumentPatch, MAX_FILE_BYTES, toDocument, UploadFields, type KnowledgeDocument } from "./model";

export async function findDocument(tx: Tx, tenantId: string, id: string, lock = false) {
  const q = tx.select().from(knowledgeDocuments).where(and(eq(knowledgeDocuments.id, id), eq(knowledgeDocuments.tenantId, tenantId))).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("Document");
  return row;
}

const uploaderOf = (p: Principal) => (p.type === "user" ? p.userId : null);

/** Queues the pipeline for this version; the event and the row change commit together. */
async function submitted(tx: Tx, tenantId: string, by: Author, documentId: string, version: number, action: "knowledge_document.submitted", data: Record<string, unknown>) {
  await recordChange(tx, tenantId, by, { entityType: "knowledge_document", entityId: documentId, action, data, event: { document_id: documentId, version } });
}

/** After commit: hand the pipeline its event now rather than at the next sweep (which still catches a miss). */
async function kick(ctx: ServiceContext, tenantId: string) {
  await publishOutbox(ctx.db, ctx.env, tenantId).catch((err: unknown) => ctx.log.warn("knowledge: publish after commit failed", { error: String(err) }));
}

/** A pasted document or a KB article. Answers at once with status `processing`; the queue indexes it. */
export async function createDocument({ ctx, input }: { ctx: ServiceContext; input: DocumentInput }): Promise<KnowledgeDocument> {
  const data = parseInput(DocumentInput, input);
  const doc = await withTenant(ctx, "knowledge:write", async (tx, p) => {
    const id = crypto.randomUUID();
    const [row] = await tx
      .insert(knowledgeDocuments)
      .values({
        id,
        tenantId: p.tenant.id,
        kind: data.kind,
        title: data.title,
        format: data.format,
        contentRaw: data.content,
        fileSizeBytes: new TextEncoder().encode(data.content).length,
        language: data.language ?? null,
        category: data.category ?? null,
        visibility: data.visibility,
        intentKeywords: data.intent_keywords ?? [],
        uploadedBy: uploaderOf(p),
      })
      .returning();
    await submitted(tx, p.tenant.id, authorOf(ctx, p), id, 1, "knowledge_document.submitted", { title: data.title, kind: data.kind, format: data.format });
    return toDocument(row!);
  });
  await kick(ctx, ctx.tenantId!);
  return doc;
}

/** What an uploaded file is, from its declared type and name. */
export function formatOfFile(name: string, type: string): KnowledgeFormat {
  const ext = name.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? "";
  const t = type.toLowerCase().split(";")[0]!.trim();
  if (t === "application/pdf" || ext === "pdf") return "pdf";
  if (t === "text/html" || ext === "html" || ext === "htm") return "html";
  if (t === "text/markdown" || t === "text/x-markdown" || ext === "md" || ext === "markdown") return "markdown";
  if (t === "text/plain" || ext === "txt" || ext === "text") return "text";
  throw new AppError("UNSUPPORTED_MEDIA_TYPE", "file must be text, Markdown, HTML or PDF", { field: "file" });
}

/**
 * An upload as the route received it: a multipart file (already in memory, as the platform parses
 * forms) or a raw request body of a declared length, which is streamed into object storage as it
 * arrives and never held whole in the Worker.
 */
export interface UploadedFile {
  name: string;
  type: string;
  size: number;
  /** The bytes, read once. */
  bytes(): Promise<Uint8Array>;
  /** The body as a stream of exactly `size` bytes (a raw upload), when there is one. */
  stream?: () => ReadableStream<Uint8Array>;
}

export const fileOfForm = (file: File): UploadedFile => ({ name: file.name, type: file.type, size: file.size, bytes: async () => new Uint8Array(await file.arrayBuffer()) });

/**
 * An uploaded file: PDFs go to the file store (R2) under a key made from the workspace and document —
 * streamed when the upload is a raw body — or, with no store bound, into Postgres; the queue extracts
 * them. Text formats must be UTF-8 and are kept as the document's text.
 */
export async function uploadDocument({ ctx, input }: { ctx: ServiceContext; input: { file: UploadedFile; fields: Record<string, unknown> } }): Promise<KnowledgeDocument> {
  const fields = parseInput(UploadFields, input.fields);
  const file = input.file;
  if (file.size > MAX_FILE_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`, { field: "file" });
  if (file.size === 0) throw new AppError("VALIDATION_FAILED", "file is empty", { field: "file" });
  // The name as a name, not a path: "../../etc/passwd" is kept as "passwd".
  const name = (file.name.split(/[\\/]/).pop()?.trim() || "upload").slice(0, 255);
  const format = formatOfFile(name, file.type);
  let content: string | null = null;
  let bytes: Uint8Array | null = null;
  if (format !== "pdf") {
    bytes = await file.bytes();
    try {
      content = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes).replace(/^\uFEFF/, "");
    } catch {
      throw new AppError("VALIDATION_FAILED", "file is not UTF-8 text", { field: "file" });
    }
    if (content.includes("\u0000")) throw new AppError("VALIDATION_FAILED", "file is not text", { field: "file" });
  }
  const title = fields.title ?? (name.replace(/\.[a-z0-9]+$/i, "").replace(/[_-]+/g, " ").trim() || "Untitled");
  const id = crypto.randomUUID();
  const tenantId = ctx.tenantId!;
  const store = format === "pdf" ? fileStoreOf(ctx.env as unknown as Record<string, unknown>) : undefined;
  let storageKey: string | null = null;
  if (format === "pdf" && store) {
    // Only a writer's upload reaches storage (the transaction below checks again, as always).
    await withTenant(ctx, "knowledge:write", async () => {});
    // Stored before the document exists: a failed upload leaves no document pointing at nothing. (A
    // transaction that fails after this leaves an object no row names; it is deleted below.)
    storageKey = documentFileKey(tenantId, id, 1);
    try {
      await store.put(storageKey, file.stream ? file.stream() : await file.bytes(), "application/pdf");
    } catch {
      throw new AppError("VALIDATION_FAILED", "the upload ended before its declared length, or could not be stored", { field: "file" });
    }
  } else if (format === "pdf") {
    bytes = await file.bytes();
  }
  try {
    const doc = await withTenant(ctx, "knowledge:write", async (tx, p) => {
      const [row] = await tx
        .insert(knowledgeDocuments)
        .values({
          id,
          tenantId: p.tenant.id,
          title: title.slice(0, 300),
          format,
          originalFilename: name,
          fileType: file.type || null,
          fileSizeBytes: file.size,
          contentRaw: content,
          language: fields.language ?? null,
          category: fields.category ?? null,
          visibility: fields.visibility,
          uploadedBy: uploaderOf(p),
        })
        .returning();
      if (format === "pdf") {
        await tx.insert(knowledgeFiles).values({
          documentId: id,
          version: 1,
          tenantId: p.tenant.id,
          storageKey,
          bytes: storageKey ? null : (sql`decode(${base64(bytes!)}, 'base64')` as unknown as Uint8Array),
        });
      }
      await submitted(tx, p.tenant.id, authorOf(ctx, p), id, 1, "knowledge_document.submitted", { title: row!.title, format, filename: name, bytes: file.size });
      return toDocument(row!);
    });
    await kick(ctx, tenantId);
    return doc;
  } catch (err) {
    if (storageKey) await store!.deletePrefix(documentFilesPrefix(tenantId, id)).catch(() => {});
    throw err;
  }
}


export async function listDocuments({ ctx, input }: { ctx: ServiceContext; input: { cursor?: string; limit: number; status?: string } }) {
  return withTenant(ctx, "knowledge:read", async (tx) => {
    const filters: SQL[] = [];
    if (input.status) filters.push(eq(knowledgeDocuments.status, input.status as "ready"));
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    if (after) filters.push(or(lt(knowledgeDocuments.createdAt, after.at), and(eq(knowledgeDocuments.createdAt, after.at), lt(knowledgeDocuments.id, after.id)))!);
    const rows = await tx
      .select()
      .from(knowledgeDocuments)
      .where(filters.length ? and(...filters) : undefined)
      .orderBy(desc(knowledgeDocuments.createdAt), desc(knowledgeDocuments.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return { data: page.map(toDocument), next_cursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  });
}

export async function getDocument({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return withTenant(ctx, "knowledge:read", async (tx, p) => {
    const row = await findDocument(tx, p.tenant.id, input.id);
    return { ...toDocument(row), content: row.contentRaw };
  });
}

const MEDIA_TYPES: Record<KnowledgeFormat, string> = { pdf: "application/pdf", html: "text/html; charset=utf-8", markdown: "text/markdown; charset=utf-8", text: "text/plain; charset=utf-8" };
/** The file name extension of each format, for a file that came without a name. */
export const FILE_EXTENSIONS: Record<KnowledgeFormat, string> = { pdf: "pdf", html: "html", markdown: "md", text: "txt" };

/**
 * The document as it was given: an uploaded PDF from object storage (streamed) or Postgres, a text
 * document's current text. For `GET /v1/knowledge/documents/{id}/file` and the page's download link.
 */
export async function documentFile({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<{ name: string; type: string; body: ReadableStream<Uint8Array> | Uint8Array; size: number }> {
  const found = await withTenant(ctx, "knowledge:read", async (tx, p) => {
    const doc = await findDocument(tx, p.tenant.id, input.id);
    const name = doc.originalFilename ?? `${doc.title.replace(/[^\p{L}\p{N} _-]+/gu, "").trim().slice(0, 100) || "document"}.${FILE_EXTENSIONS[doc.format]}`;
    if (doc.format !== "pdf") {
      const bytes = new TextEncoder().encode(doc.contentRaw ?? "");
      return { name, type: MEDIA_TYPES[doc.format], bytes, key: null };
    }
    const file = await storedFile(tx, doc.id);
    if (!file) throw notFound("The document's file");
    return { name, type: MEDIA_TYPES.pdf, bytes: file.bytes, key: file.storageKey };
  });
  if (found.bytes) return { name: found.name, type: found.type, body: found.bytes, size: found.bytes.length };
  // Read outside the transaction: a remote call never waits inside one.
  const store = fileStoreOf(ctx.env as unknown as Record<string, unknown>);
  const obj = store && found.key ? await store.open(found.key) : null;
  if (!obj) throw notFound("The document's file");
  return { name: found.name, type: found.type, body: obj.body, size: obj.size };
}

/** The document's chunks in order, for the page's detail view. */
export async function documentChunks({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return withTenant(ctx, "knowledge:read", async (tx, p) => {
    const doc = await findDocument(tx, p.tenant.id, input.id);
    return tx
      .select({ id: knowledgeChunks.id, index: knowledgeChunks.chunkIndex, heading: knowledgeChunks.heading, content: knowledgeChunks.content, tokenCount: knowledgeChunks.tokenCount })
      .from(knowledgeChunks)
      .where(and(eq(knowledgeChunks.documentId, doc.id), eq(knowledgeChunks.documentVersion, doc.indexedVersion ?? -1)))
      .orderBy(knowledgeChunks.chunkIndex);
  });
}

/**
 * Edits a document. A change to what is indexed (title, text, format, language, visibility, keywords)
 * is a new version, re-indexed by the pipeline (the old version stays searchable until the new one is
 * ready); activation and category change at once.
 */
export async function updateDocument({ ctx, input }: { ctx: ServiceContext; input: DocumentPatch & { id: string } }): Promise<KnowledgeDocument> {
  const patch = parseInput(DocumentPatch, input);
  const { doc, reindex } = await withTenant(ctx, "knowledge:write", async (tx, p) => {
    const cur = await findDocument(tx, p.tenant.id, input.id, true);
    if (patch.content !== undefined && cur.format === "pdf" && patch.format === undefined) {
      throw new AppError("VALIDATION_FAILED", "a PDF's text cannot be edited in place; give a format to replace it with text", { field: "content" });
    }
    if (patch.format !== undefined && patch.content === undefined && cur.format === "pdf") {
      throw new AppError("VALIDATION_FAILED", "changing a PDF's format needs new content", { field: "format" });
    }
    const changes: Record<string, unknown> = {};
    const set: Partial<typeof knowledgeDocuments.$inferInsert> = {};
    const indexed = (key: string, value: unknown, current: unknown, apply: () => void) => {
      if (value === undefined || JSON.stringify(value) === JSON.stringify(current)) return;
      changes[key] = true;
      apply();
    };
    indexed("title", patch.title, cur.title, () => (set.title = patch.title));
    indexed("content", patch.content, cur.contentRaw, () => (set.contentRaw = patch.content));
    indexed("format", patch.format, cur.format, () => (set.format = patch.format));
    indexed("language", patch.language, cur.language, () => (set.language = patch.language));
    indexed("visibility", patch.visibility, cur.visibility, () => (set.visibility = patch.visibility));
    indexed("intent_keywords", patch.intent_keywords, cur.intentKeywords, () => (set.intentKeywords = patch.intent_keywords));
    const reindex = Object.keys(changes).length > 0;
    if (patch.category !== undefined && patch.category !== cur.category) {
      changes.category = patch.category;
      set.category = patch.category;
    }
    if (patch.is_active !== undefined && patch.is_active !== cur.isActive) {
      changes.is_active = patch.is_active;
      set.isActive = patch.is_active;
    }
    if (Object.keys(changes).length === 0) return { doc: toDocument(cur), reindex: false };
    const version = reindex ? cur.version + 1 : cur.version;
    const [row] = await tx
      .update(knowledgeDocuments)
      .set({ ...set, ...(reindex && { version, status: "processing" as const, failureReason: null }), ...(set.contentRaw && { fileSizeBytes: new TextEncoder().encode(set.contentRaw).length }), updatedAt: sql`now()` })
      .where(eq(knowledgeDocuments.id, cur.id))
      .returning();
    const by = authorOf(ctx, p);
    if (reindex) {
      // A PDF re-indexed for a new title or visibility keeps its file under the new version.
      if (cur.format === "pdf" && !set.format) {
        await tx.execute(sql`insert into knowledge_files (document_id, version, tenant_id, bytes, storage_key)
          select document_id, ${version}, tenant_id, bytes, storage_key from knowledge_files where document_id = ${cur.id}::uuid and version = ${cur.version}`);
      }
      await tx.execute(sql`delete from knowledge_files where document_id = ${cur.id}::uuid and version < ${version}`);
      await submitted(tx, p.tenant.id, by, cur.id, version, "knowledge_document.submitted", changes);
    } else {
      await recordChange(tx, p.tenant.id, by, { entityType: "knowledge_document", entityId: cur.id, action: "knowledge_document.updated", data: changes, event: { document_id: cur.id, changes } });
    }
    return { doc: toDocument(row!), reindex };
  });
  if (reindex) await kick(ctx, ctx.tenantId!);
  return doc;
}

/**
 * Deletes a document and its chunks in one transaction: from the next query on it is neither found nor
 * cited (vector hits are re-checked against Postgres). Its vectors leave the index through the queue.
 */
export async function deleteDocument({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<void> {
  await withTenant(ctx, "knowledge:write", async (tx, p) => {
    const cur = await findDocument(tx, p.tenant.id, input.id, true);
    const chunks = await tx.delete(knowledgeChunks).where(eq(knowledgeChunks.documentId, cur.id)).returning({ id: knowledgeChunks.id });
    await tx.delete(knowledgeDocuments).where(eq(knowledgeDocuments.id, cur.id));
    await recordChange(tx, p.tenant.id, authorOf(ctx, p), {
      entityType: "knowledge_document",
      entityId: cur.id,
      action: "knowledge_document.deleted",
      data: { title: cur.title, chunks: chunks.length },
      event: { document_id: cur.id, chunk_ids: chunks.map((c) => c.id) },
    });
  });
  await kick(ctx, ctx.tenantId!);
}
