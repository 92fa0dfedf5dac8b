import { randomBytes, randomUUID } from "node:crypto";

/**
 * A fresh AES-256 key as the JSON that CREDENTIALS_KEYS expects: `{"<key id>": "<base64 32 bytes>"}`.
 * The id starts with a letter: JSON objects keep insertion order only for non-numeric keys, and the
 * first key is the one that encrypts.
 */
export function generateCredentialsKeys(): string {
  const kid = `c-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  return JSON.stringify({ [kid]: randomBytes(32).toString("base64") });
}
