import { Hono, type Context } from "hono";
import { consumeRateLimit } from "../../../durable-objects/rate-limiter/client";
import { MAX_EMAIL_BYTES } from "../../channels/email/parse";
import { InboundParseError } from "../../channels/inbound";
import { cachedChannel } from "../../channels/channel-cache";
import { parseDelivery } from "../../channels/ingest";
import { constantTimeEqual } from "../../channels/signatures";
import { whyNotAuthentic } from "../../channels/verify";
import { isDatabaseUnavailable } from "../../db/failures";
import { CHANNEL_TYPES, type ChannelType } from "../../db/schema";
import { readCappedStream } from "../../lib/capped-stream";
import { AppError } from "../../lib/errors";
import { readChannelForWebhook } from "../../services/channels/lookup";
import { ingestEmail } from "../../services/ingest/email";
import { ingest, logDelivery } from "../../services/ingest/ingest";
import type { AppEnv } from "../hono-env";

const MAX_BODY = 1024 * 1024;
/** Raw mail carries its attachments: it may be larger than any provider's JSON (see MAX_EMAIL_BYTES). */
const MAX_EMAIL_BODY = MAX_EMAIL_BYTES;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Channel types whose provider posts webhooks here. Web chat arrives through /widget; nothing else takes a body. */
const WEBHOOK_TYPES = new Set<ChannelType>(["whatsapp", "telegram", "twilio_sms", "api", "email"]);
/** Headers worth keeping for replay and debugging. Signature headers are recorded as present, never their values. */
const KEPT_HEADERS = ["content-type", "user-agent", "cf-connecting-ip"];
const SIGNATURE_HEADERS = ["x-hub-signature-256", "x-telegram-bot-api-secret-token", "x-twilio-signature", "x-parley-signature"];
/**
 * Rejected deliveries are logged at most this often per channel (per minute): they are unauthenticated,
 * so the log must not become free storage. Past it they are still refused, just not written down.
 */
const REJECTED_LOG_PER_MINUTE = 30;

type C = Context<AppEnv>;

export const inboundHooks = new Hono<AppEnv>();

async function channelFor(c: C) {
  const { type, tenantId, channelId } = c.req.param() as { type: string; tenantId: string; channelId: string };
  if (!CHANNEL_TYPES.includes(type as ChannelType) || !UUID.test(tenantId) || !UUID.test(channelId)) throw new AppError("NOT_FOUND", "No such channel");
  const ctx = c.get("ctx");
  const channel = await cachedChannel(`${tenantId}:${channelId}`, ctx.config.CHANNEL_CACHE_TTL_MS, () => readChannelForWebhook(ctx.db, tenantId, channelId, ctx.config));
  // A wrong type in the URL is a different endpoint: same 404 as a channel that does not exist.
  if (!channel || channel.type !== type) throw new AppError("NOT_FOUND", "No such channel");
  return channel;
}

function keptHeaders(c: C): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of KEPT_HEADERS) {
    const v = c.req.header(h);
    if (v) out[h] = v.slice(0, 300).toWellFormed().replace(/\u0000/g, "");
  }
  for (const h of SIGNATURE_HEADERS) if (c.req.header(h)) out[h] = "[present]";
  return out;
}

/** Reads the body, refusing it as soon as it passes `max` bytes (a declared length is checked first). */
async function readCapped(c: C, max: number): Promise<Uint8Array> {
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > max) throw new AppError("PAYLOAD_TOO_LARGE", "Webhook body too large");
  const body = await readCappedStream(c.req.raw.body, max);
  if (!body) throw new AppError("PAYLOAD_TOO_LARGE", "Webhook body too large");
  return body;
}

/** Logs a rejection, within the channel's per-minute allowance (see REJECTED_LOG_PER_MINUTE). */
async function logRejected(c: C, channel: { id: string; tenantId: string }, reason: string, raw: Uint8Array, verified = false) {
  try {
    await consumeRateLimit(c.env, `hooks:rejected:${channel.id}`, REJECTED_LOG_PER_MINUTE, 60);
  } catch {
    return; // over the allowance: refused all the same, not written down
  }
  try {
    await logDelivery(c.get("ctx"), channel, "rejected", reason, raw, keptHeaders(c), verified);
  } catch (err) {
    // The refusal stands while Postgres is away: a 5xx would only make the provider retry what is
    // refused all the same. The log entry is what an outage costs (the retry, if any, writes it).
    if (!isDatabaseUnavailable(err)) throw err;
    c.get("ctx").log.warn("webhook refused; its log entry waits for Postgres", { channel_id: channel.id, reason: reason.slice(0, 100) });
  }
}

// WhatsApp's subscription handshake: echo hub.challenge when hub.verify_token matches the channel's.
inboundHooks.get("/hooks/:type/:tenantId/:channelId", async (c) => {
  const channel = await channelFor(c);
  const mode = c.req.query("hub.mode");
  const token = c.req.query("hub.verify_token");
  const challenge = c.req.query("hub.challenge");
  if (channel.type !== "whatsapp" || mode !== "subscribe" || !challenge) throw new AppError("NOT_FOUND", "No such endpoint");
  const expected = channel.credentials?.verify_token;
  const enc = new TextEncoder();
  if (!token || !expected || !constantTimeEqual(enc.encode(token), enc.encode(expected))) throw new AppError("FORBIDDEN", "verify_token does not match");
  return c.text(challenge, 200);
});

inboundHooks.post("/hooks/:type/:tenantId/:channelId", async (c) => {
  const channel = await channelFor(c);
  // Decided before a byte of the body is read: nothing posts webhooks for these types.
  if (!WEBHOOK_TYPES.has(channel.type)) throw new AppError("NOT_FOUND", "No such endpoint");
  const raw = await readCapped(c, channel.type === "email" ? MAX_EMAIL_BODY : MAX_BODY);
  if (channel.status !== "active") {
    await logRejected(c, channel, "channel disabled", raw);
    throw new AppError("NOT_FOUND", "No such channel");
  }
  const form = channel.type === "twilio_sms" ? new URLSearchParams(new TextDecoder().decode(raw)) : undefined;
  const problem = await whyNotAuthentic({ type: channel.type, credentials: channel.credentials, raw, header: (n) => c.req.header(n), url: c.req.url, form });
  if (problem) {
    await logRejected(c, channel, problem, raw);
    throw new AppError("UNAUTHORIZED", "Webhook signature verification failed");
  }

  if (channel.type === "email") {
    const result = await ingestEmail({ ctx: c.get("ctx"), channel, raw, headers: keptHeaders(c), source: "email" });
    return c.json({ ok: true, accepted: result.accepted.length, duplicates: result.duplicates.length, ...(result.ignored && { ignored: result.ignored }) }, 200);
  }
  let events;
  try {
    events = parseDelivery(channel, raw, { form });
  } catch (err) {
    // "invalid payload" marks a verified delivery we could not read: kept whole, replayable once the parser is fixed.
    const reason = `invalid payload: ${err instanceof InboundParseError ? err.message : "body is not valid JSON"}`;
    await logRejected(c, channel, reason, raw, true);
    throw new AppError("VALIDATION_FAILED", reason);
  }
  const result = await ingest({ ctx: c.get("ctx"), channel, delivery: { source: "webhook", events, body: raw, headers: keptHeaders(c) } });
  // Twilio reads the body as TwiML: an empty <Response/> means "no automatic reply".
  if (channel.type === "twilio_sms") return c.body('<?xml version="1.0" encoding="UTF-8"?><Response/>', 200, { "content-type": "text/xml" });
  return c.json({ ok: true, accepted: result.accepted.length, duplicates: result.duplicates.length, statuses: result.statuses }, 200);
});
