import { and, eq, isNull } from "drizzle-orm";
import type { Database, ReadDb, Tx } from "../../db/client";
import { channels, type ChannelType } from "../../db/schema";
import { credentialsAad, decryptCredentials, type Credentials, type CredentialsConfig } from "./credentials";

/** A channel as the webhook and delivery paths need it: with its credentials decrypted, in memory only. */
export interface WebhookChannel {
  id: string;
  tenantId: string;
  type: ChannelType;
  name: string;
  config: Record<string, unknown>;
  /** Decrypted; null for types without credentials (webchat, email). Never log or return these. */
  credentials: Credentials | null;
  debounceMs: number;
  maxWaitMs: number;
  status: "active" | "disabled";
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Loads a live (not deleted) channel inside an already tenant-scoped transaction, so RLS guarantees it
 * belongs to the tenant named in the webhook URL. Disabled channels are returned too: the caller decides
 * (a webhook for a disabled channel should still be logged and acknowledged). `config` is the caller's
 * `ctx.config`, which holds CREDENTIALS_KEYS. Decryption failures throw (see decryptCredentials).
 *
 * @example
 *   const channel = await ctx.db.scoped({ tenantId }, (tx) => loadChannelForWebhook(tx, channelId, ctx.config));
 *   if (!channel) throw new AppError("NOT_FOUND", "No such channel");
 */
export async function loadChannelForWebhook(tx: Tx, channelId: string, config: CredentialsConfig): Promise<WebhookChannel | undefined> {
  // The id comes straight from a public URL; anything but a uuid would be a Postgres cast error.
  if (!UUID.test(channelId)) return undefined;
  const [row] = await channelRow(tx, channelId);
  return row ? webhookChannel(row, config) : undefined;
}

/** loadChannelForWebhook in one round trip over HTTP, outside any transaction (the webhook edge's read). */
export async function readChannelForWebhook(db: Database, tenantId: string, channelId: string, config: CredentialsConfig): Promise<WebhookChannel | undefined> {
  if (!UUID.test(channelId)) return undefined;
  const [[row]] = await db.batch({ tenantId }, (q) => [channelRow(q, channelId)]);
  return row ? webhookChannel(row, config) : undefined;
}

const channelRow = (q: ReadDb, channelId: string) =>
  q
    .select()
    .from(channels)
    .where(and(eq(channels.id, channelId), isNull(channels.deletedAt)))
    .limit(1);

async function webhookChannel(row: typeof channels.$inferSelect, config: CredentialsConfig): Promise<WebhookChannel> {
  const credentials =
    row.credentialsCiphertext && row.credentialsKeyId
      ? await decryptCredentials(config, credentialsAad(row.tenantId, row.id), row.credentialsCiphertext, row.credentialsKeyId)
      : null;
  return {
    id: row.id,
    tenantId: row.tenantId,
    type: row.type,
    name: row.name,
    config: row.config,
    credentials,
    debounceMs: row.debounceMs,
    maxWaitMs: row.maxWaitMs,
    status: row.status,
  };
}
