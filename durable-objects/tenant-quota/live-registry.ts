import type { Env } from "../../src/env";
import { threadStub } from "../conversation-thread/client";

/**
 * Which thread objects hold live agent sockets of which session, for one workspace: the index that lets
 * logout, member removal and role changes close those sockets at once (each socket also expires on its
 * own, see conversation-thread/live-sockets.ts). Hosted by the workspace's TenantQuota object, the one
 * per-workspace single writer there is; entries are small and forgotten when their socket expires.
 */
export interface LiveSocketEntry {
  sessionId: string;
  userId: string;
  threadKey: string;
  /** Epoch ms: the socket cannot outlive this, so neither does the entry. */
  expiresAt: number;
}

export interface LiveSocketMatch {
  sessionId?: string;
  userId?: string;
}

const PREFIX = "live:";
const keyOf = (e: LiveSocketEntry) => `${PREFIX}${e.sessionId}:${e.threadKey}`;

export async function registerEntry(storage: DurableObjectStorage, entry: LiveSocketEntry): Promise<void> {
  await storage.put(keyOf(entry), entry);
  await pruneExpired(storage);
}

/** Closes the matching sockets in every thread object that holds one; returns how many objects were told. */
export async function endMatching(env: Env, tenantId: string, storage: DurableObjectStorage, match: LiveSocketMatch, reason: string): Promise<number> {
  if (!match.sessionId && !match.userId) return 0;
  const entries = await storage.list<LiveSocketEntry>({ prefix: match.sessionId ? `${PREFIX}${match.sessionId}:` : PREFIX });
  const hits = [...entries].filter(([, e]) => (match.sessionId ? e.sessionId === match.sessionId : e.userId === match.userId));
  const threads = new Set(hits.map(([, e]) => e.threadKey));
  await Promise.all([...threads].map((threadKey) => threadStub(env, tenantId, threadKey).closeAgentSockets(match, reason)));
  await storage.delete(hits.map(([k]) => k));
  return threads.size;
}

async function pruneExpired(storage: DurableObjectStorage): Promise<void> {
  const now = Date.now();
  const entries = await storage.list<LiveSocketEntry>({ prefix: PREFIX, limit: 1000 });
  const stale = [...entries].filter(([, e]) => e.expiresAt <= now).map(([k]) => k);
  if (stale.length > 0) await storage.delete(stale);
}
