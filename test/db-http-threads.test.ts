import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { storeBatch } from "../durable-objects/conversation-thread/persist";
import type { ThreadMeta } from "../durable-objects/conversation-thread/types";
import type { InboundMessage } from "../src/channels/inbound";
import type { ChannelType } from "../src/db/schema";
import { Database } from "../src/db/client";
import { loadConfig } from "../src/env";
import { call, createTenant, expectStatus, ownerQuery, type TenantHandle } from "./harness";

// A first message resolves its contact and conversation in the same round trip as storing it, and
// that resolution stays race-free when one new customer writes on several channels at once.
const db = () => new Database(loadConfig(env as never), "parley-test");

let tenant: TenantHandle;
const channelIds: string[] = [];

async function apiChannel(name: string): Promise<string> {
  const res = await call("POST", "/v1/channels", { token: tenant.owner.token, body: { type: "api", name, credentials: { signing_secret: `s-${crypto.randomUUID()}` } } });
  expectStatus(res, 201);
  return res.body.id;
}

const meta = (channelId: string, channelType: ChannelType, customerId: string): ThreadMeta => ({
  tenantId: tenant.id,
  channelId,
  channelType,
  customerId,
  threadKey: `${channelId}:${customerId}`,
  debounceMs: 0,
  maxWaitMs: 0,
});

const row = (from: InboundMessage["from"], text = "hello") => ({
  id: crypto.randomUUID(),
  acceptedAt: Date.now(),
  message: { kind: "message", externalId: `m-${crypto.randomUUID()}`, from, timestamp: Date.now(), content: { type: "text", text } } as InboundMessage,
});

const identitiesOf = (contactId: string) => ownerQuery<{ kind: string; value: string }>("select kind, value from contact_identities where contact_id = $1 order by kind", [contactId]);

describe("first messages in one round trip, race-free across channels", () => {
  beforeAll(async () => {
    tenant = await createTenant("Threads");
    // The rows only need to exist; which provider a thread speaks is the thread's own type (the trial
    // plan allows two channels: each serves two kinds of thread here).
    for (const name of ["one", "two"]) channelIds.push(await apiChannel(name));
  });

  it("creates the contact and conversation with the first message, and a known thread appends to them", async () => {
    const m = meta(channelIds[1]!, "api", `visitor-${crypto.randomUUID()}`);
    const first = await storeBatch(db(), m, [row({ id: m.customerId, name: "Ada" })], []);
    expect(first!.stored.inserted).toHaveLength(1);
    expect(first!.stored.inserted[0]!.conversationId).toBe(first!.conversationId);
    const [contact] = await ownerQuery("select name, external_ids, last_seen_at from contacts where id = $1", [first!.contactId]);
    expect(contact.name).toBe("Ada");
    expect(contact.external_ids).toEqual({ api: m.customerId });
    expect(await identitiesOf(first!.contactId)).toEqual([{ kind: `api:${channelIds[1]}`, value: m.customerId }]);
    const [conv] = await ownerQuery("select contact_id, channel_id, state, message_count, thread_key from conversations where id = $1", [first!.conversationId]);
    expect(conv).toEqual({ contact_id: first!.contactId, channel_id: channelIds[1], state: "awaiting_agent", message_count: 1, thread_key: m.threadKey });

    const again = await storeBatch(db(), m, [row({ id: m.customerId }, "again")], [], { contactId: first!.contactId, conversationId: first!.conversationId });
    expect(again!.stored.inserted[0]!.conversationId).toBe(first!.conversationId);
    // The thread object forgot what it knew (a restart): resolving again finds the same contact and live conversation.
    const forgot = await storeBatch(db(), m, [row({ id: m.customerId }, "once more")], []);
    expect({ contact: forgot!.contactId, conversation: forgot!.conversationId }).toEqual({ contact: first!.contactId, conversation: first!.conversationId });
    expect((await ownerQuery("select message_count from conversations where id = $1", [first!.conversationId]))[0].message_count).toBe(3);
  });

  it("reopens a recently resolved conversation instead of starting a new one", async () => {
    const m = meta(channelIds[1]!, "api", `visitor-${crypto.randomUUID()}`);
    const first = await storeBatch(db(), m, [row({ id: m.customerId })], []);
    await ownerQuery("update conversations set state = 'resolved', resolved_at = now() where id = $1", [first!.conversationId]);
    const back = await storeBatch(db(), m, [row({ id: m.customerId })], []);
    expect(back!.conversationId).toBe(first!.conversationId);
    const [conv] = await ownerQuery("select state, resolved_at from conversations where id = $1", [first!.conversationId]);
    expect(conv.resolved_at).toBeNull();
    expect(["reopened", "awaiting_agent"]).toContain(conv.state);
  });

  it("gives one contact to one new customer writing on WhatsApp and SMS at the same moment", async () => {
    for (let round = 0; round < 6; round++) {
      const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
      const waId = phone.slice(1);
      const wa = meta(channelIds[0]!, "whatsapp", waId);
      const sms = meta(channelIds[1]!, "twilio_sms", phone);
      // Separate databases, as two thread objects would have: two transactions racing for the phone.
      const [a, b] = await Promise.all([storeBatch(db(), wa, [row({ id: waId, phone, name: "Grace" })], []), storeBatch(db(), sms, [row({ id: phone })], [])]);
      expect(a!.contactId).toBe(b!.contactId);
      expect(a!.conversationId).not.toBe(b!.conversationId);
      // One contact holds every id of this customer; no half-made contact is left behind.
      expect(await identitiesOf(a!.contactId)).toEqual([
        { kind: "phone", value: phone },
        { kind: "whatsapp", value: waId },
      ]);
      const orphans = await ownerQuery(
        "select c.id from contacts c where c.tenant_id = $1 and not exists (select 1 from contact_identities i where i.contact_id = c.id) and c.created_at > now() - interval '1 minute' and c.name is distinct from 'Jane Customer'",
        [tenant.id],
      );
      expect(orphans).toEqual([]);
      const convs = await ownerQuery("select contact_id from conversations where id = any($1::uuid[])", [[a!.conversationId, b!.conversationId]]);
      expect(convs.map((c) => c.contact_id)).toEqual([a!.contactId, a!.contactId]);
    }
  });

  it("finds a customer known by email when they write from a second mailbox thread, case-insensitively", async () => {
    const address = `Mixed.${crypto.randomUUID().slice(0, 8)}@Example.com`;
    const [x, y] = await Promise.all([
      storeBatch(db(), meta(channelIds[0]!, "email", address), [row({ id: address })], []),
      storeBatch(db(), meta(channelIds[0]!, "email", address.toLowerCase()), [row({ id: address.toLowerCase() })], []),
    ]);
    expect(x!.contactId).toBe(y!.contactId);
    const [contact] = await ownerQuery("select emails from contacts where id = $1", [x!.contactId]);
    expect(contact.emails).toEqual([address.toLowerCase()]);
  });

  it("attaches a new channel id to the contact a known phone already names", async () => {
    const phone = `+1666${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    const sms = await storeBatch(db(), meta(channelIds[1]!, "twilio_sms", phone), [row({ id: phone })], []);
    const wa = await storeBatch(db(), meta(channelIds[0]!, "whatsapp", phone.slice(1)), [row({ id: phone.slice(1), phone })], []);
    expect(wa!.contactId).toBe(sms!.contactId);
    expect(await identitiesOf(sms!.contactId)).toEqual([
      { kind: "phone", value: phone },
      { kind: "whatsapp", value: phone.slice(1) },
    ]);
  });
});
