import { describe, expect, it } from "vitest";
import { telegramMessageJson, twilioSmsForm, whatsappStatusJson, whatsappTextJson } from "../src/channels/fixtures";
import { parleySignature, twilioSignature } from "../src/channels/signatures";
import { eventually, messagesOf } from "./channel-harness";
import { call, createTenant, expectError, expectStatus, ownerQuery, type TenantHandle } from "./harness";

async function createChannel(t: TenantHandle, type: string, credentials: Record<string, string>, config: Record<string, unknown> = {}) {
  const res = await call("POST", "/v1/channels", { token: t.owner.token, body: { type, name: `${type} inbox`, credentials, config, debounce_ms: 100 } });
  expectStatus(res, 201);
  return { id: res.body.id as string, path: new URL(res.body.webhook_url).pathname };
}

const sign = (raw: string, secret: string) => parleySignature(new TextEncoder().encode(raw), secret);

describe("WhatsApp Cloud API webhooks", () => {
  const creds = { app_secret: "meta-app-secret-1", verify_token: "verify-me-123", access_token: "EAAG-test-token", phone_number_id: "106540352242922" };

  it("answers the subscription handshake only with the right verify token", async () => {
    const t = await createTenant();
    const ch = await createChannel(t, "whatsapp", creds);
    const ok = await call("GET", `${ch.path}?hub.mode=subscribe&hub.verify_token=verify-me-123&hub.challenge=1158201444`);
    expectStatus(ok, 200);
    expect(ok.text).toBe("1158201444");
    expectError(await call("GET", `${ch.path}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`), 403);
  });

  it("verifies X-Hub-Signature-256 on the raw bytes and ingests the documented text message", async () => {
    const t = await createTenant();
    const ch = await createChannel(t, "whatsapp", creds);
    const tampered = whatsappTextJson.replace("color", "colour");
    expectError(await call("POST", ch.path, { rawBody: tampered, headers: { "content-type": "application/json", "x-hub-signature-256": await sign(whatsappTextJson, creds.app_secret) } }), 401);
    const res = await call("POST", ch.path, { rawBody: whatsappTextJson, headers: { "content-type": "application/json", "x-hub-signature-256": await sign(whatsappTextJson, creds.app_secret) } });
    expectStatus(res, 200);
    const [m] = await eventually(async () => {
      const rows = await messagesOf(ch.id);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(m).toMatchObject({ external_id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", text: "Does it come in another color?" });
    const [contact] = await ownerQuery("select c.name, c.phones from contacts c join conversations v on v.contact_id = c.id where v.channel_id = $1", [ch.id]);
    expect(contact).toEqual({ name: "Sheena Nelson", phones: ["+16505551234"] });
  });

  it("moves an outbound message's status forward from status webhooks, never backwards", async () => {
    const t = await createTenant();
    const ch = await createChannel(t, "whatsapp", creds);
    await call("POST", ch.path, { rawBody: whatsappTextJson, headers: { "content-type": "application/json", "x-hub-signature-256": await sign(whatsappTextJson, creds.app_secret) } });
    const [inbound] = await eventually(async () => {
      const rows = await messagesOf(ch.id);
      expect(rows).toHaveLength(1);
      return rows;
    });
    // An outbound message the provider knows by the status fixture's id, already read.
    const wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NTc2RUE2NkM5NDNBNjFCNTQA";
    await ownerQuery(
      `insert into messages (id, tenant_id, conversation_id, channel_id, direction, sender_type, external_id, content, text, status)
       values (gen_random_uuid(), $1, $2, $3, 'outbound', 'agent', $4, '{"type":"text","text":"hi"}', 'hi', 'read')`,
      [t.id, inbound.conversation_id, ch.id, wamid],
    );
    const res = await call("POST", ch.path, { rawBody: whatsappStatusJson, headers: { "content-type": "application/json", "x-hub-signature-256": await sign(whatsappStatusJson, creds.app_secret) } });
    expectStatus(res, 200);
    const [row] = await ownerQuery("select status from messages where external_id = $1", [wamid]);
    expect(row.status).toBe("read"); // "delivered" arrived after "read": ignored
    await ownerQuery("update messages set status = 'sent' where external_id = $1", [wamid]);
    await call("POST", ch.path, { rawBody: whatsappStatusJson, headers: { "content-type": "application/json", "x-hub-signature-256": await sign(whatsappStatusJson, creds.app_secret) } });
    const [after] = await ownerQuery("select status from messages where external_id = $1", [wamid]);
    expect(after.status).toBe("delivered");
  });
});

describe("Telegram bot webhooks", () => {
  it("accepts the documented update with the secret token, and rejects another bot's secret", async () => {
    const t = await createTenant();
    const a = await createChannel(t, "telegram", { bot_token: "123456:AAA-bot-a", secret_token: "secret_a_123_long_enough" });
    const b = await createChannel(t, "telegram", { bot_token: "654321:BBB-bot-b", secret_token: "secret_b_456_long_enough" });
    expectError(await call("POST", a.path, { rawBody: telegramMessageJson, headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "secret_b_456_long_enough" } }), 401);
    expectError(await call("POST", a.path, { rawBody: telegramMessageJson, headers: { "content-type": "application/json" } }), 401);
    expect(await messagesOf(a.id)).toEqual([]);
    expectStatus(await call("POST", a.path, { rawBody: telegramMessageJson, headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "secret_a_123_long_enough" } }), 200);
    await eventually(async () => expect((await messagesOf(a.id)).map((m) => m.text)).toEqual(["/start"]));
    expect(await messagesOf(b.id)).toEqual([]);
  });
});

describe("Twilio SMS webhooks", () => {
  it("verifies X-Twilio-Signature over the public URL and sorted params, and answers empty TwiML", async () => {
    const t = await createTenant();
    const token = "twilio-auth-token-1";
    const ch = await createChannel(t, "twilio_sms", { account_sid: "AC0123456789abcdef0123456789abcdef", auth_token: token }, { from: "+15557654321" });
    const url = `https://parley.test${ch.path}`;
    const form = twilioSmsForm.trim();
    const signature = await twilioSignature(url, new URLSearchParams(form), token);
    expectError(await call("POST", ch.path, { rawBody: form.replace("Hello", "Jello"), headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature } }), 401);
    const res = await call("POST", ch.path, { rawBody: form, headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature } });
    expectStatus(res, 200);
    expect(res.headers.get("content-type")).toContain("xml");
    await eventually(async () => expect((await messagesOf(ch.id)).map((m) => m.text)).toEqual(["Hello there, is my order shipped?"]));
  });
});
