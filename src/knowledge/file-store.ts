/**
 * Where uploaded files (PDFs, which the queue extracts later) are kept. In production and locally
 * (`npm run dev` and the tests simulate it) an R2 bucket, bound as KNOWLEDGE_FILES: the upload streams
 * into it and Postgres keeps only the key. Without the binding (the offline evaluation and benchmark,
 * a deployment that has not created the bucket) files are kept in Postgres (`knowledge_files.bytes`).
 */
export interface FileStore {
  /** A body stream must have a known length (a request with Content-Length): R2 requires it. */
  put(key: string, body: ReadableStream<Uint8Array> | Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  /** The object as a stream (a download), or null when it is gone. */
  open(key: string): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null>;
  /** Every object under the prefix (one document's files, all versions). */
  deletePrefix(prefix: string): Promise<void>;
}

/** The shape of the R2 binding this module uses (documented Workers API). */
export interface R2BucketLike {
  put(key: string, value: ReadableStream | ArrayBuffer | ArrayBufferView, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer>; body: ReadableStream<Uint8Array>; size: number } | null>;
  list(options?: { prefix?: string; cursor?: string; limit?: number }): Promise<{ objects: Array<{ key: string }>; truncated: boolean; cursor?: string }>;
  delete(keys: string | string[]): Promise<void>;
}

const isBucket = (v: unknown): v is R2BucketLike => typeof (v as R2BucketLike | undefined)?.put === "function" && typeof (v as R2BucketLike).list === "function";

/** Keys are built from the workspace and the document, never from anything the uploader sent. */
export const documentFilesPrefix = (tenantId: string, documentId: string) => `knowledge/${tenantId}/${documentId}/`;
export const documentFileKey = (tenantId: string, documentId: string, version: number) => `${documentFilesPrefix(tenantId, documentId)}v${version}`;

export function r2FileStore(bucket: R2BucketLike): FileStore {
  return {
    async put(key, body, contentType) {
      await bucket.put(key, body, { httpMetadata: { contentType } });
    },
    async get(key) {
      const obj = await bucket.get(key);
      return obj ? new Uint8Array(await obj.arrayBuffer()) : null;
    },
    async open(key) {
      const obj = await bucket.get(key);
      return obj ? { body: obj.body, size: obj.size } : null;
    },
    async deletePrefix(prefix) {
      let cursor: string | undefined;
      do {
        const page = await bucket.list({ prefix, limit: 1000, ...(cursor && { cursor }) });
        if (page.objects.length) await bucket.delete(page.objects.map((o) => o.key));
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
    },
  };
}

export function fileStoreOf(env: Record<string, unknown>): FileStore | undefined {
  return isBucket(env.KNOWLEDGE_FILES) ? r2FileStore(env.KNOWLEDGE_FILES) : undefined;
}
