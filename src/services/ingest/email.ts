/**
 * Mail into the one ingestion verb: from Cloudflare Email Routing (the Worker's `email` handler), from
 * a relay posting raw RFC 822, or from a replay of the log. Auto-replies, bounces and bulk mail are
 * logged as ignored and never open a conversation; a reply to earlier mail joins that mail's thread.
 */
import { sql } from "drizzle-orm";
import { isEmailTooLarge, parseEmail } from "../../channels/email/parse";
import { AppError } from "../../lib/errors";
import type { ServiceContext } from "../context";
import { ingest, logDelivery, type DeliverySource, type IngestChannel, type IngestResult } from "./ingest";

export interface EmailChannel extends IngestChannel {
  config: Record<string, unknown>;
}

/**
 * The thread (its customer id) of the most recent message this mail refers to, if any: its
 * In-Reply-To first, then its References newest first. Both inbound Message-IDs and the ids of our
 * own replies are message external ids, so a customer answering an agent's mail is found too.
 */
async function referencedThread(ctx: ServiceContext, channel: IngestChannel, ids: string[]): Promise<string | undefined> {
  if (ids.length === 0) return undefined;
  const rows = await ctx.db.scoped({ tenantId: channel.tenantId }, (tx) =>
    tx.execute<{ thread_key: string }>(sql`
      select c.thread_key from messages m join conversations c on c.id = m.conversation_id
      where m.channel_id = ${channel.id}::uuid and m.external_id = any(${`{${ids.map((i) => JSON.stringify(i)).join(",")}}`}::text[])
      order by array_position(${`{${ids.map((i) => JSON.stringify(i)).join(",")}}`}::text[], m.external_id) limit 1`),
  );
  const key = rows.rows[0]?.thread_key;
  return key ? key.slice(key.indexOf(":") + 1) : undefined;
}

export async function ingestEmail({ ctx, channel, raw, headers, source }: { ctx: ServiceContext; channel: EmailChannel; raw: Uint8Array; headers: Record<string, string>; source: DeliverySource }): Promise<IngestResult & { ignored?: string }> {
  if (isEmailTooLarge(raw)) throw new AppError("PAYLOAD_TOO_LARGE", "The mail is larger than the channel accepts");
  const own = typeof channel.config.address === "string" ? [channel.config.address] : [];
  const parsed = await parseEmail(raw, { ownAddresses: own });
  if (parsed.kind === "ignored") {
    await logDelivery(ctx, channel, "ignored", `email: ${parsed.reason}`, raw, headers);
    return { accepted: [], duplicates: [], statuses: 0, ignored: parsed.reason };
  }
  const { content } = parsed.message;
  const refs = [...(content.inReplyTo ? [content.inReplyTo] : []), ...[...content.references].reverse()].filter((id, i, all) => id && all.indexOf(id) === i);
  const threadCustomerId = await referencedThread(ctx, channel, refs.slice(0, 20));
  return ingest({ ctx, channel, delivery: { source, events: [parsed.message], body: raw, headers, ...(threadCustomerId && { threadCustomerId }) } });
}
