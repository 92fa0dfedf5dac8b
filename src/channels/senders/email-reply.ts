/**
 * An agent's (or the bot's) reply on an email channel: a mail threaded under the customer's latest
 * mail (In-Reply-To, References, "Re:" subject), sent through Mailgun. Its Message-ID is derived from
 * the message's own id, so a retried send is the same mail, and it becomes the message's external id:
 * the customer's answer names it in In-Reply-To and lands in this conversation.
 */
import { buildReply } from "../email/build";
import type { EmailContent } from "../email/parse";
import { ProviderError } from "./provider-call";
import { sendEmailMime } from "./email";

export interface EmailReply {
  messageId: string;
  to: string;
  text: string;
  /** The customer's latest mail in the conversation, for threading (absent when the agent writes first). */
  lastInbound?: EmailContent;
  bot?: boolean;
}

export async function sendEmailReply(base: string, credentials: Record<string, string>, channelConfig: Record<string, unknown>, reply: EmailReply): Promise<string> {
  const address = typeof channelConfig.address === "string" ? channelConfig.address : undefined;
  const domain = typeof channelConfig.mailgun_domain === "string" ? channelConfig.mailgun_domain : undefined;
  const apiKey = credentials.mailgun_api_key;
  if (!address || !domain || !apiKey) throw new ProviderError("mailgun", null, "The email channel has no sending setup (config.mailgun_domain and credentials.mailgun_api_key)", true);
  const last = reply.lastInbound;
  const { raw, messageId } = buildReply({
    from: { address },
    to: { address: reply.to },
    subject: last?.subject || "Your message",
    text: reply.text,
    domain,
    messageId: `${reply.messageId}@${domain}`,
    ...(last?.messageId && { inReplyTo: last.messageId }),
    references: last?.references ?? [],
    autoSubmitted: reply.bot === true,
  });
  const euBase = channelConfig.mailgun_region === "eu" ? base.replace("://api.mailgun.net", "://api.eu.mailgun.net") : base;
  await sendEmailMime(euBase, { api_key: apiKey }, domain, reply.to, raw);
  return messageId;
}
