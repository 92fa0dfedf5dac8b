import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { fromBase64url } from "../../lib/crypto";

/**
 * An uploaded file's row (the given version's, or the latest): its bytes where Postgres keeps them,
 * else its key in object storage (src/knowledge/file-store.ts). For the pipeline and the download.
 */
export async function storedFile(tx: Tx, documentId: string, version?: number): Promise<{ bytes: Uint8Array | null; storageKey: string | null } | undefined> {
  const res = await tx.execute<{ b: string | null; k: string | null }>(sql`select encode(bytes, 'base64') as b, storage_key as k from knowledge_files
    where document_id = ${documentId}::uuid ${version === undefined ? sql`` : sql`and version = ${version}`} order by version desc limit 1`);
  const row = res.rows[0];
  if (!row) return undefined;
  const b64 = row.b?.replace(/\s/g, "");
  return { bytes: b64 ? fromBase64url(b64) : null, storageKey: row.k };
}
