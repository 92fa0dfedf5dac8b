import { and, eq, isNull } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { channels } from "../../db/schema";

/** A web chat channel as the public widget routes need it: no credentials column is even read. */
export interface WebchatChannel {
  id: string;
  tenantId: string;
  type: "webchat";
  name: string;
  allowedOrigins: string[];
  debounceMs: number;
  maxWaitMs: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The live, active web chat channel with this id, inside an already tenant-scoped transaction (so RLS
 * makes another tenant's channel not found). Any other type, a disabled or deleted channel: undefined.
 * Unlike loadChannelForWebhook this never decrypts credentials: a public, unauthenticated URL should
 * not make the Worker unseal another channel type's secrets just to answer 404.
 */
export async function findWebchatChannel(tx: Tx, channelId: string): Promise<WebchatChannel | undefined> {
  if (!UUID.test(channelId)) return undefined;
  const [row] = await tx
    .select({ id: channels.id, tenantId: channels.tenantId, type: channels.type, name: channels.name, config: channels.config, debounceMs: channels.debounceMs, maxWaitMs: channels.maxWaitMs, status: channels.status })
    .from(channels)
    .where(and(eq(channels.id, channelId), isNull(channels.deletedAt)))
    .limit(1);
  if (!row || row.type !== "webchat" || row.status !== "active") return undefined;
  const list = row.config.allowed_origins;
  return {
    id: row.id,
    tenantId: row.tenantId,
    type: "webchat",
    name: row.name,
    // Anything malformed counts as no entry, so it can only ever allow less.
    allowedOrigins: Array.isArray(list) ? list.filter((o): o is string => typeof o === "string") : [],
    debounceMs: row.debounceMs,
    maxWaitMs: row.maxWaitMs,
  };
}
