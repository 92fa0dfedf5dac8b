import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { threadStub } from "../durable-objects/conversation-thread/client";
import {
  createChannel,
  deliver,
  eventsFor,
  failNext,
  messageRow,
  providerAccount,
  providerRequests,
  registerAccount,
  seedOutbound,
  type ChannelKind,
} from "./channels-fixtures";
import { createTenant, ownerQuery, type TenantHandle } from "./harness";

const RECIPIENT: Record<"whatsapp" | "telegram" | "twilio_sms", { kind: string; value: () => string }> = {
  whatsapp: { kind: "whatsapp", value: () => `1650${Math.floor(1e6 + Math.random() * 8e6)}` },
  telegram: { kind: "telegram", value: () => String(Math.floor(1e8 + Math.random() * 8e8)) },
  twilio_sms: { kind: "phone", value: () => `+1415${Math.floor(1e6 + Math.random() * 8e6)}` },
};

/** A channel of `type` whose credentials the provider double accepts, and a pending reply on it. */
async function setup(type: keyof typeof RECIPIENT, t?: TenantHandle) {
  const tenant = t ?? (await createTenant());
  const { channel, body } = await createChannel(tenant, type);
  const account = providerAccount(type, body.credentials!);
  await registerAccount(account);
  const to = RECIPIENT[type].value();
  const seeded = await seedOutbound(tenant, channel.id, { kind: RECIPIENT[type].kind, value: to });
  return { tenant, channel, body, account, to, ...seeded };
}

describe("outbound delivery", () => {
  it("sends a WhatsApp reply as the Cloud API documents and records the wamid", async () => {
    const s = await setup("whatsapp");
    expect(await deliver(s.event)).toMatchObject({ acked: true, retried: false });
    const requests = await providerRequests(s.account);
    expect(requests, JSON.stringify(requests)).toHaveLength(1);
    const [req] = requests;
    expect(req!.path).toBe(`/whatsapp/v21.0/${s.body.credentials!.phone_number_id}/messages`);
    expect(req!.headers.authorization).toBe(`Bearer ${s.body.credentials!.access_token}`);
    expect(JSON.parse(req!.body)).toEqual({ messaging_product: "whatsapp", recipient_type: "individual", to: s.to, type: "text", text: { preview_url: false, body: "Your order shipped today." } });
    const row = await messageRow(s.messageId);
    expect(row.status, JSON.stringify(row)).toBe("sent");
    expect(row.external_id).toMatch(/^wamid\./);
    expect(await eventsFor(s.messageId, "message.sent")).toEqual([{ payload: { message_id: s.messageId, conversation_id: s.conversationId, channel_id: s.channel.id } }]);
  });

  it("sends a Telegram reply and keys it <chat id>:<message_id> like inbound messages", async () => {
    const s = await setup("telegram");
    expect(await deliver(s.event)).toMatchObject({ acked: true });
    const [req, ...more] = await providerRequests(s.account);
    expect(more).toEqual([]);
    expect(req!.path).toBe(`/telegram/bot${s.body.credentials!.bot_token}/sendMessage`);
    expect(JSON.parse(req!.body)).toEqual({ chat_id: Number(s.to), text: "Your order shipped today." });
    expect(await messageRow(s.messageId)).toEqual({ status: "sent", external_id: `${s.to}:1`, error: null });
  });

  it("sends a Twilio SMS form-encoded with Basic auth from the channel's number", async () => {
    const s = await setup("twilio_sms");
    expect(await deliver(s.event)).toMatchObject({ acked: true });
    const [req, ...more] = await providerRequests(s.account);
    expect(more).toEqual([]);
    const creds = s.body.credentials!;
    expect(req!.path).toBe(`/twilio/2010-04-01/Accounts/${creds.account_sid}/Messages.json`);
    expect(req!.headers.authorization).toBe(`Basic ${btoa(`${creds.account_sid}:${creds.auth_token}`)}`);
    expect(req!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(req!.body))).toEqual({ To: s.to, From: "+15557654321", Body: "Your order shipped today." });
    const row = await messageRow(s.messageId);
    expect(row.external_id, JSON.stringify(row)).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it("does nothing on redelivery of the same event: still one provider request", async () => {
    const s = await setup("telegram");
    await deliver(s.event);
    expect(await deliver(s.event, 2)).toMatchObject({ acked: true, retried: false });
    expect(await providerRequests(s.account)).toHaveLength(1);
    expect(await eventsFor(s.messageId, "message.sent")).toHaveLength(1);
  });

  it("records an answer kept beside the conversation instead of sending a second time", async () => {
    // An earlier attempt sent the message, could not record the answer, kept it with the thread
    // object and stopped; its claim has lapsed.
    const s = await setup("telegram");
    const [conversation] = await ownerQuery("select thread_key from conversations where id = $1", [s.conversationId]);
    const thread = threadStub(env, s.tenant.id, conversation.thread_key);
    await thread.rememberSend(s.messageId, { status: "sent", externalId: "4242:77" });
    await ownerQuery("update messages set send_claimed_until = now() - interval '1 minute' where id = $1", [s.messageId]);
    expect(await deliver(s.event, 2)).toMatchObject({ acked: true });
    expect(await providerRequests(s.account)).toHaveLength(0);
    expect(await messageRow(s.messageId)).toMatchObject({ status: "sent", external_id: "4242:77" });
    expect(await eventsFor(s.messageId, "message.sent")).toHaveLength(1);
    expect(await thread.rememberedSend(s.messageId)).toBeUndefined();
  });

  it("sends as usual when a lapsed claim left no answer behind (the earlier attempt stopped before the provider)", async () => {
    const s = await setup("telegram");
    await ownerQuery("update messages set send_claimed_until = now() - interval '1 minute' where id = $1", [s.messageId]);
    expect(await deliver(s.event, 2)).toMatchObject({ acked: true });
    expect(await providerRequests(s.account)).toHaveLength(1);
    expect((await messageRow(s.messageId)).status).toBe("sent");
  });

  it.each([500, 429])("retries after a provider %i and delivers exactly once", async (status) => {
    const s = await setup("whatsapp");
    await failNext(s.account, status);
    const first = await deliver(s.event);
    expect(first, JSON.stringify(first.result)).toMatchObject({ acked: false, retried: true });
    expect((await messageRow(s.messageId)).status).toBe("pending");
    expect(await eventsFor(s.messageId, "message.sent")).toEqual([]);
    expect(await deliver(s.event, 2)).toMatchObject({ acked: true });
    const requests = await providerRequests(s.account);
    expect(requests.map((r) => r.status)).toEqual([status, 200]);
    expect((await messageRow(s.messageId)).status).toBe("sent");
    expect(await eventsFor(s.messageId, "message.sent")).toHaveLength(1);
  });

  it.each(["telegram", "twilio_sms", "whatsapp"] as const)("marks the message failed on a %s 400, without retrying", async (type) => {
    const s = await setup(type);
    await failNext(s.account, 400);
    expect(await deliver(s.event)).toMatchObject({ acked: true, retried: false });
    const row = await messageRow(s.messageId);
    expect(row.status).toBe("failed");
    expect(row.error, JSON.stringify(row)).toMatch(/400/);
    expect(await eventsFor(s.messageId, "message.failed")).toHaveLength(1);
    expect(await eventsFor(s.messageId, "message.sent")).toEqual([]);
    await deliver(s.event, 2);
    expect(await providerRequests(s.account)).toHaveLength(1);
  });

  it("fails the message when the provider rejects the credentials (401), naming the provider's reason", async () => {
    const t = await createTenant();
    const { channel } = await createChannel(t, "telegram"); // never registered with the double
    const s = await seedOutbound(t, channel.id, { kind: "telegram", value: "424242" });
    await deliver(s.event);
    expect(await messageRow(s.messageId)).toMatchObject({ status: "failed", error: "Telegram 401: Unauthorized" });
  });

  it("fails, without calling anyone, when the contact has no identity for the channel or the channel is disabled", async () => {
    const t = await createTenant();
    const { channel, body } = await createChannel(t, "whatsapp");
    const account = providerAccount("whatsapp", body.credentials!);
    await registerAccount(account);
    const noIdentity = await seedOutbound(t, channel.id, { kind: "telegram", value: "777" });
    await deliver(noIdentity.event);
    expect(await messageRow(noIdentity.messageId)).toMatchObject({ status: "failed", error: "The contact has no whatsapp identity to reply to" });
    await ownerQuery("update channels set status = 'disabled' where id = $1", [channel.id]);
    const disabled = await seedOutbound(t, channel.id, { kind: "whatsapp", value: "16505550000" });
    await deliver(disabled.event);
    expect(await messageRow(disabled.messageId)).toMatchObject({ status: "failed", error: "The channel is disabled or deleted" });
    expect(await providerRequests(account)).toEqual([]);
  });

  it.each(["api", "webchat"] as ChannelKind[])("marks %s replies sent at once: they go out over the live connection", async (type) => {
    const t = await createTenant();
    const { channel } = await createChannel(t, type);
    const s = await seedOutbound(t, channel.id, null);
    expect(await deliver(s.event)).toMatchObject({ acked: true });
    expect(await messageRow(s.messageId)).toEqual({ status: "sent", external_id: null, error: null });
    expect(await eventsFor(s.messageId, "message.sent")).toHaveLength(1);
  });

  it("replies to the identity the conversation came from when the contact has several", async () => {
    const s = await setup("telegram");
    const t2 = await seedOutbound(s.tenant, s.channel.id, null, "Second thread");
    await ownerQuery("insert into contact_identities (tenant_id, kind, value, contact_id) values ($1, 'telegram', '1001', $2), ($1, 'telegram', '1002', $2)", [s.tenant.id, t2.contactId]);
    await ownerQuery("update conversations set thread_key = $1 where id = $2", [`${s.channel.id}:1002`, t2.conversationId]);
    await deliver(t2.event);
    const requests = await providerRequests(s.account);
    expect(requests.map((r) => JSON.parse(r.body).chat_id)).toEqual([1002]);
  });

  it("marks a reply failed, not pending forever, when its retries end in the dead-letter queue", async () => {
    const s = await setup("telegram");
    await failNext(s.account, 500, 10);
    expect(await deliver(s.event, 6)).toMatchObject({ retried: true });
    expect((await messageRow(s.messageId)).status).toBe("pending");
    expect(await deliver(s.event, 1, "parley-outbox-dlq")).toMatchObject({ acked: true });
    const row = await messageRow(s.messageId);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/gave up/);
    const [outbox] = await ownerQuery("select last_error from outbox_events where id = $1", [s.event.id]);
    expect(outbox.last_error).toMatch(/dead-lettered/);
  });
});
