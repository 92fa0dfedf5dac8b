import { Hono, type Context } from "hono";
import { threadStub } from "../../../durable-objects/conversation-thread/client";
import type { RawDelivery } from "../../../durable-objects/conversation-thread/types";
import { InboundParseError, type InboundMessage } from "../../channels/inbound";
import { cachedChannel } from "../../channels/channel-cache";
import { dispatchToThreads, parseDelivery } from "../../channels/ingest";
import { whyNotAuthentic } from "../../channels/verify";
import { channelEvents, CHANNEL_TYPES, type ChannelType } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { loadChannelForWebhook } from "../../services/channels/lookup";
import { applyStatuses } from "../../services/conversations/statuses";
import { toMessage } from "../../services/conversations/model";
import type { AppEnv } from "../hono-env";

const MAX_BODY = 1024 * 1024;
const MAX_LOGGED_BODY = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Headers worth keeping for replay and debugging. Signature headers are recorded as present, never their values. */
const KEPT_HEADERS = ["content-type", "user-agent", "cf-connecting-ip"];
const SIGNATURE_HEADERS = ["x-hub-signature-256", "x-telegram-bot-api-secret-token", "x-twilio-signature", "x-parley-signature"];

type C = Context<AppEnv>;

export const inboundHooks = new Hono<AppEnv>();

async function channelFor(c: C) {
  const { type, tenantId, channelId } = c.req.param() as { type: string; tenantId: string; channelId: string };
  if (!CHANNEL_TYPES.includes(type as ChannelType) || !UUID.test(tenantId) || !UUID.test(channelId)) throw new AppError("NOT_FOUND", "No such channel");
  const ctx = c.get("ctx");
  const channel = await cachedChannel(`${tenantId}:${channelId}`, ctx.config.CHANNEL_CACHE_TTL_MS, () =>
    ctx.db.scoped({ tenantId }, (tx) => loadChannelForWebhook(tx, channelId, ctx.config)),
  );
  // A wrong type in the URL is a different endpoint: same 404 as a channel that does not exist.
  if (!channel || channel.type !== type) throw new AppError("NOT_FOUND", "No such channel");
  return channel;
}

function keptHeaders(c: C): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of KEPT_HEADERS) {
    const v = c.req.header(h);
    if (v) out[h] = v.slice(0, 300);
  }
  for (const h of SIGNATURE_HEADERS) if (c.req.header(h)) out[h] = "[present]";
  return out;
}

function rawDelivery(c: C, raw: Uint8Array, eventType: string, externalIds: string[]): RawDelivery {
  const text = new TextDecoder().decode(raw.subarray(0, MAX_LOGGED_BODY));
  return { body: text, truncated: raw.byteLength > MAX_LOGGED_BODY, headers: keptHeaders(c), eventType, receivedAt: Date.now(), externalIds };
}

/** Rejected and ignored deliveries are logged directly; accepted ones travel with their messages. */
async function logDelivery(c: C, channel: { id: string; tenantId: string }, verdict: "rejected" | "ignored", reason: string, raw: Uint8Array) {
  const r = rawDelivery(c, raw, verdict, []);
  await c.get("ctx").db.scoped({ tenantId: channel.tenantId }, (tx) =>
    tx.insert(channelEvents).values({ tenantId: channel.tenantId, channelId: channel.id, verdict, reason, eventType: null, headers: r.headers, body: r.body, bodyTruncated: r.truncated }),
  );
}

// WhatsApp's subscription handshake: echo hub.challenge when hub.verify_token matches the channel's.
inboundHooks.get("/hooks/:type/:tenantId/:channelId", async (c) => {
  const channel = await channelFor(c);
  const mode = c.req.query("hub.mode");
  const token = c.req.query("hub.verify_token");
  const challenge = c.req.query("hub.challenge");
  if (channel.type !== "whatsapp" || mode !== "subscribe" || !challenge) throw new AppError("NOT_FOUND", "No such endpoint");
  if (!token || token !== channel.credentials?.verify_token) throw new AppError("FORBIDDEN", "verify_token does not match");
  return c.text(challenge, 200);
});

inboundHooks.post("/hooks/:type/:tenantId/:channelId", async (c) => {
  const channel = await channelFor(c);
  const raw = new Uint8Array(await c.req.arrayBuffer());
  if (raw.byteLength > MAX_BODY) throw new AppError("PAYLOAD_TOO_LARGE", "Webhook body too large");
  if (channel.status !== "active") {
    await logDelivery(c, channel, "rejected", "channel disabled", raw);
    throw new AppError("NOT_FOUND", "No such channel");
  }
  const form = channel.type === "twilio_sms" ? new URLSearchParams(new TextDecoder().decode(raw)) : undefined;
  const problem = await whyNotAuthentic({ type: channel.type, credentials: channel.credentials, raw, header: (n) => c.req.header(n), url: c.req.url, form });
  if (problem) {
    await logDelivery(c, channel, "rejected", problem, raw);
    throw new AppError("UNAUTHORIZED", "Webhook signature verification failed");
  }

  let events;
  try {
    events = parseDelivery(channel.type, raw, form);
  } catch (err) {
    // "invalid payload" marks a verified delivery we could not read: replayable once the parser is fixed.
    const reason = `invalid payload: ${err instanceof InboundParseError ? err.message : "body is not valid JSON"}`;
    await logDelivery(c, channel, "rejected", reason, raw);
    throw new AppError("VALIDATION_FAILED", reason);
  }
  const messages = events.filter((e): e is InboundMessage => e.kind === "message");
  const statuses = events.filter((e) => e.kind === "status");
  const ctx = c.get("ctx");

  if (statuses.length > 0) {
    const changed = await ctx.db.scoped({ tenantId: channel.tenantId }, async (tx) => {
      const result = await applyStatuses(tx, channel.id, statuses);
      if (messages.length === 0) {
        const r = rawDelivery(c, raw, "status", statuses.map((s) => s.externalId));
        await tx.insert(channelEvents).values({ tenantId: channel.tenantId, channelId: channel.id, verdict: "accepted", eventType: "status", externalIds: r.externalIds, headers: r.headers, body: r.body, bodyTruncated: r.truncated });
      }
      return result;
    });
    for (const { message, threadKey } of changed) {
      c.executionCtx.waitUntil(threadStub(c.env, channel.tenantId, threadKey).notify({ type: "message.updated", conversation_id: message.conversationId, message: toMessage(message) }));
    }
  }
  let result = { accepted: [] as string[], duplicates: [] as string[] };
  if (messages.length > 0) {
    result = await dispatchToThreads(c.env, channel, messages, rawDelivery(c, raw, "message", messages.map((m) => m.externalId)));
  } else if (statuses.length === 0) {
    await logDelivery(c, channel, "ignored", "no messages or statuses in this delivery", raw);
  }
  // Twilio reads the body as TwiML: an empty <Response/> means "no automatic reply".
  if (channel.type === "twilio_sms") return c.body('<?xml version="1.0" encoding="UTF-8"?><Response/>', 200, { "content-type": "text/xml" });
  return c.json({ ok: true, accepted: result.accepted.length, duplicates: result.duplicates.length, statuses: statuses.length }, 200);
});
