/**
 * Cloudflare Email Routing → the email channel that owns the recipient address. The address is the
 * only thing the mail says about where it belongs, so one named cross-tenant lookup (a SECURITY DEFINER
 * function that returns just the owner) finds the channel; everything after runs under its tenant's RLS.
 */
import { sql } from "drizzle-orm";
import { MAX_EMAIL_BYTES } from "../../channels/email/parse";
import { Database } from "../../db/client";
import { loadConfig, type Env } from "../../env";
import { createLogger } from "../../lib/log";
import { loadChannelForWebhook } from "../channels/lookup";
import type { ServiceContext } from "../context";
import { ingestEmail } from "./email";

/** What the `email` handler receives (a subset of ForwardableEmailMessage, so tests can hand one in). */
export interface RoutedEmail {
  readonly from: string;
  readonly to: string;
  readonly raw: ReadableStream<Uint8Array>;
  readonly rawSize: number;
  setReject(reason: string): void;
}

export async function receiveRoutedEmail(message: RoutedEmail, env: Env): Promise<"stored" | "ignored" | "rejected"> {
  const config = loadConfig(env);
  const db = new Database(config, "parley-email");
  const log = createLogger({ handler: "email" }, config.ENVIRONMENT === "test");
  try {
    if (message.rawSize > MAX_EMAIL_BYTES) {
      message.setReject("Message too large");
      return "rejected";
    }
    const owner = await db.scoped({}, (tx) => tx.execute<{ tenant_id: string; channel_id: string }>(sql`select * from parley_email_channel_for(${message.to.toLowerCase()})`));
    const route = owner.rows[0];
    const channel = route && (await db.scoped({ tenantId: route.tenant_id }, (tx) => loadChannelForWebhook(tx, route.channel_id, config)));
    if (!channel || channel.status !== "active") {
      // Rejecting (not dropping) tells the sender's server, which tells the sender.
      message.setReject("No such mailbox");
      return "rejected";
    }
    const raw = new Uint8Array(await new Response(message.raw).arrayBuffer());
    const ctx: ServiceContext = { requestId: `email:${crypto.randomUUID()}`, config, env, db, log, tenantId: channel.tenantId, actor: { type: "system", name: "email-routing" } };
    const result = await ingestEmail({ ctx, channel, raw, headers: { "x-envelope-from": message.from.slice(0, 300), "x-envelope-to": message.to.slice(0, 300) }, source: "email" });
    return result.ignored ? "ignored" : "stored";
  } finally {
    await db.close();
  }
}
