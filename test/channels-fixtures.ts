// Factories for the channel tests: valid settings per type (unique per call, so the provider double's
// per-credential state never mixes tests), the provider double's control API, and an outbound message
// seeded the way the reply endpoint writes it, delivered through the Worker's real queue handler.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import type { Env } from "../src/env";
import worker from "../src/index";
import type { OutboxMessage } from "../src/queues/outbox-relay";
import { call, expectStatus, ownerQuery, type TenantHandle } from "./harness";

const digits = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => String(b % 10)).join("");
const hex = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => (b % 16).toString(16)).join("");

export type ChannelKind = "whatsapp" | "telegram" | "twilio_sms" | "api" | "webchat" | "email";

/** A valid create body for each type, with fresh credentials. */
export function channelBody(type: ChannelKind): { type: ChannelKind; name: string; config?: Record<string, unknown>; credentials?: Record<string, string> } {
  switch (type) {
    case "whatsapp":
      return { type, name: "WhatsApp support", credentials: { app_secret: hex(32), verify_token: `verify-${hex(8)}`, access_token: `EAAG${hex(60)}`, phone_number_id: `1${digits(14)}` } };
    case "telegram":
      return { type, name: "Telegram bot", config: { bot_username: "parley_help_bot" }, credentials: { bot_token: `${digits(9)}:AA${hex(33)}`, secret_token: `sec_${hex(24)}` } };
    case "twilio_sms":
      return { type, name: "SMS line", config: { from: "+15557654321" }, credentials: { account_sid: `AC${hex(32)}`, auth_token: hex(32) } };
    case "api":
      return { type, name: "Website API" };
    case "webchat":
      return { type, name: "Site chat", config: { allowed_origins: ["https://shop.example.com"] } };
    case "email":
      // Addresses are unique across workspaces (mail is routed by address alone).
      return { type, name: "Support inbox", config: { address: `help-${hex(6)}@example.com` } };
  }
}

export async function createChannel(t: TenantHandle, type: ChannelKind, overrides: Record<string, unknown> = {}) {
  const body = { ...channelBody(type), ...overrides };
  const res = await call("POST", "/v1/channels", { token: t.owner.token, body });
  expectStatus(res, 201);
  return { channel: res.body, body: body as ReturnType<typeof channelBody> };
}

// ---- The provider double (test/doubles/providers-double.ts), driven over HTTP from inside workerd.

export type Provider = "whatsapp" | "telegram" | "twilio" | "mailgun";

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${env.PROVIDER_DOUBLE_URL}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`provider double ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** Which credential the double keys a channel's traffic by, and the secret it checks. */
export function providerAccount(type: ChannelKind, credentials: Record<string, string>): { provider: Provider; key: string; secret?: string } {
  if (type === "whatsapp") return { provider: "whatsapp", key: credentials.phone_number_id!, secret: credentials.access_token };
  if (type === "telegram") return { provider: "telegram", key: credentials.bot_token! };
  return { provider: "twilio", key: credentials.account_sid!, secret: credentials.auth_token };
}

export const registerAccount = (a: { provider: Provider; key: string; secret?: string }) => control("PUT", "/_control/accounts", a);
export const failNext = (a: { provider: Provider; key: string }, status: number, count = 1) => control("POST", "/_control/fail", { ...a, status, count });
export const providerRequests = async (a: { provider: Provider; key: string }) =>
  (await control("GET", `/_control/requests?provider=${a.provider}&key=${encodeURIComponent(a.key)}`)) as Array<{ path: string; headers: Record<string, string>; body: string; status: number }>;

// ---- Outbound messages.

/**
 * Seeds a contact with an identity, a conversation and a pending agent reply plus its `message.outbound`
 * outbox event, exactly as the reply endpoint commits them, and returns the event as the queue carries it.
 */
export async function seedOutbound(t: TenantHandle, channelId: string, recipient: { kind: string; value: string } | null, text = "Your order shipped today.") {
  const contact = await t.createContact({ name: "Casey Customer" });
  if (recipient) await ownerQuery("insert into contact_identities (tenant_id, kind, value, contact_id) values ($1, $2, $3, $4)", [t.id, recipient.kind, recipient.value, contact.id]);
  const conversationId = crypto.randomUUID();
  const messageId = crypto.randomUUID();
  await ownerQuery("insert into conversations (id, tenant_id, channel_id, contact_id, thread_key) values ($1, $2, $3, $4, $5)", [conversationId, t.id, channelId, contact.id, `${channelId}:${recipient?.value ?? "nobody"}`]);
  await ownerQuery(
    `insert into messages (id, tenant_id, conversation_id, channel_id, direction, sender_type, sender_id, content, text, status)
     values ($1, $2, $3, $4, 'outbound', 'agent', $5, $6, $7, 'pending')`,
    [messageId, t.id, conversationId, channelId, t.owner.userId, JSON.stringify({ type: "text", text }), text],
  );
  const payload = { message_id: messageId, conversation_id: conversationId, channel_id: channelId };
  const eventId = crypto.randomUUID();
  const [row] = await ownerQuery("insert into outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, payload) values ($1, $2, 'message.outbound', 'message', $3, $4) returning created_at", [
    eventId,
    t.id,
    messageId,
    JSON.stringify(payload),
  ]);
  const event: OutboxMessage = { id: eventId, tenant_id: t.id, type: "message.outbound", aggregate_type: "message", aggregate_id: messageId, payload, created_at: new Date(row.created_at).toISOString() };
  return { messageId, conversationId, contactId: contact.id as string, event };
}

/** Runs the Worker's own queue handler on one delivery of `event`; returns whether it was acked or retried. */
export async function deliver(event: OutboxMessage, attempts = 1, queue = "parley-outbox") {
  const batch = createMessageBatch<OutboxMessage>(queue, [{ id: `q-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body: event }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env as unknown as Env);
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks.length === 1, retried: result.retryMessages.length === 1, result };
}

export async function messageRow(id: string) {
  const [row] = await ownerQuery("select status, external_id, error from messages where id = $1", [id]);
  return row as { status: string; external_id: string | null; error: string | null };
}

export async function eventsFor(aggregateId: string, type: string) {
  return ownerQuery("select payload from outbox_events where aggregate_id = $1 and type = $2", [aggregateId, type]);
}
