import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseEmail } from "../src/channels/email/parse";
import { parleySignature } from "../src/channels/signatures";
import type { Env } from "../src/env";
import { receiveRoutedEmail } from "../src/services/ingest/email-routing";
import { eventually, messagesOf } from "./channel-harness";
import { deliver, providerRequests, registerAccount } from "./channels-fixtures";
import { call, createTenant, expectStatus, ownerQuery, type TenantHandle } from "./harness";

const rand = () => crypto.randomUUID().slice(0, 8);

async function createEmailChannel(t: TenantHandle) {
  const address = `help-${rand()}@acme-support.test`;
  const domain = `mg-${rand()}.acme-support.test`;
  const apiKey = `key-${crypto.randomUUID()}`;
  await registerAccount({ provider: "mailgun", key: domain, secret: apiKey });
  const res = await call("POST", "/v1/channels", {
    token: t.owner.token,
    body: { type: "email", name: "Support inbox", config: { address, mailgun_domain: domain }, credentials: { mailgun_api_key: apiKey }, debounce_ms: 100 },
  });
  expectStatus(res, 201);
  expect(res.body.signing_secret).toMatch(/.{32,}/);
  return { id: res.body.id as string, path: new URL(res.body.webhook_url).pathname, secret: res.body.signing_secret as string, address, domain };
}

function mail(h: { from: string; to: string; id: string; subject: string; text: string; inReplyTo?: string; references?: string; extra?: string }) {
  return [
    `From: ${h.from}`,
    `To: ${h.to}`,
    `Subject: ${h.subject}`,
    `Message-ID: <${h.id}>`,
    `Date: ${new Date().toUTCString()}`,
    ...(h.inReplyTo ? [`In-Reply-To: <${h.inReplyTo}>`] : []),
    ...(h.references ? [`References: ${h.references}`] : []),
    ...(h.extra ? [h.extra] : []),
    "MIME-Version: 1.0",
    'Content-Type: text/plain; charset="UTF-8"',
    "",
    h.text,
    "",
  ].join("\r\n");
}

async function postMail(ch: { path: string; secret: string }, raw: string) {
  const signature = await parleySignature(new TextEncoder().encode(raw), ch.secret);
  return call("POST", ch.path, { rawBody: raw, headers: { "content-type": "message/rfc822", "x-parley-signature": signature } });
}

async function conversationsOf(channelId: string) {
  return ownerQuery("select id, contact_id from conversations where channel_id = $1 order by created_at", [channelId]);
}

describe("email channel", () => {
  it("turns relayed mail into a threaded conversation and sends the agent's reply as a threaded mail", async () => {
    const t = await createTenant();
    const ch = await createEmailChannel(t);
    const first = `first-${rand()}@mail.example.net`;
    const res = await postMail(ch, mail({ from: "Maria Gonzalez <Maria@Example.NET>", to: ch.address, id: first, subject: "Order #10482 has not arrived", text: "Hello, where is my parcel?" }));
    expectStatus(res, 200);
    const [stored] = await eventually(async () => {
      const rows = await ownerQuery("select id, conversation_id, content, text from messages where channel_id = $1", [ch.id]);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(stored.content).toMatchObject({ type: "email", subject: "Order #10482 has not arrived", messageId: first });
    expect(stored.content.text).toContain("where is my parcel");
    const [contact] = await ownerQuery("select c.emails, i.kind, i.value from contacts c join contact_identities i on i.contact_id = c.id where c.tenant_id = $1", [t.id]);
    expect(contact).toMatchObject({ kind: "email", value: "maria@example.net", emails: ["maria@example.net"] });

    // The agent answers from the inbox; the reply goes out as mail under the customer's.
    const reply = await call("POST", `/v1/conversations/${stored.conversation_id}/messages`, { token: t.owner.token, body: { content: "It ships today." } });
    expectStatus(reply, 202);
    const [event] = await ownerQuery("select id, tenant_id, type, aggregate_type, aggregate_id, payload, created_at from outbox_events where tenant_id = $1 and type = 'message.outbound' and aggregate_id = $2", [t.id, reply.body.id]);
    await deliver({ ...event, created_at: new Date(event.created_at).toISOString() });
    // The bot greets by mail too; the agent's mail is the one with the agent's words.
    const readBack = await eventually(async () => {
      const requests = (await providerRequests({ provider: "mailgun", key: ch.domain })) as unknown as Array<{ mail: { to: string; message: string } }>;
      for (const r of requests) {
        expect(r.mail.to).toBe("maria@example.net");
        const mail = await parseEmail(r.mail.message);
        if (mail.kind === "message" && mail.message.content.text === "It ships today.") return mail;
      }
      throw new Error("the agent's mail has not reached the provider yet");
    });
    expect(readBack.kind).toBe("message");
    if (readBack.kind !== "message") return;
    expect(readBack.message.content).toMatchObject({ subject: "Re: Order #10482 has not arrived", inReplyTo: first, references: [first], text: "It ships today." });
    const [outbound] = await ownerQuery("select status, external_id from messages where channel_id = $1 and direction = 'outbound' and sender_type = 'agent'", [ch.id]);
    expect(outbound.status).toBe("sent");
    expect(outbound.external_id).toMatch(new RegExp(`@${ch.domain.replace(/\./g, "\\.")}$`));

    // A colleague in copy answers our mail: it joins the same conversation, not a new one.
    const second = `second-${rand()}@mail.example.net`;
    expectStatus(await postMail(ch, mail({ from: "Luis <luis@example.net>", to: ch.address, id: second, subject: "Re: Order #10482 has not arrived", text: "Thanks, we got it.", inReplyTo: outbound.external_id, references: `<${first}> <${outbound.external_id}>` })), 200);
    await eventually(async () => expect((await messagesOf(ch.id)).filter((m) => m.direction === "inbound")).toHaveLength(2));
    const conversations = await conversationsOf(ch.id);
    expect(conversations).toHaveLength(1);
    expect((await messagesOf(ch.id)).every((m) => m.conversation_id === conversations[0].id)).toBe(true);
  });

  it("never opens a conversation for an auto-reply or a bounce, and logs why", async () => {
    const t = await createTenant();
    const ch = await createEmailChannel(t);
    const auto = mail({ from: "Maria <maria@example.net>", to: ch.address, id: `ooo-${rand()}@example.net`, subject: "Out of office", text: "I am away.", extra: "Auto-Submitted: auto-replied" });
    const res = await postMail(ch, auto);
    expectStatus(res, 200);
    expect(res.body.ignored).toBe("auto-reply");
    const bulk = mail({ from: "News <news@example.net>", to: ch.address, id: `bulk-${rand()}@example.net`, subject: "Deals", text: "Buy now", extra: "Precedence: bulk" });
    expectStatus(await postMail(ch, bulk), 200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await conversationsOf(ch.id)).toHaveLength(0);
    const log = await ownerQuery("select verdict, reason from channel_events where channel_id = $1 order by id", [ch.id]);
    expect(log.map((l) => [l.verdict, l.reason])).toEqual([
      ["ignored", "email: auto-reply"],
      ["ignored", "email: bulk"],
    ]);
  });

  it("refuses a relay post without the channel's signature", async () => {
    const t = await createTenant();
    const ch = await createEmailChannel(t);
    const raw = mail({ from: "x@example.net", to: ch.address, id: `forged-${rand()}@example.net`, subject: "Hi", text: "forged" });
    const res = await call("POST", ch.path, { rawBody: raw, headers: { "content-type": "message/rfc822", "x-parley-signature": "sha256=00" } });
    expect(res.status).toBe(401);
    expect(await conversationsOf(ch.id)).toHaveLength(0);
  });

  it("refuses a second workspace's channel on an address that is already connected", async () => {
    const t = await createTenant();
    const ch = await createEmailChannel(t);
    const other = await createTenant();
    const res = await call("POST", "/v1/channels", { token: other.owner.token, body: { type: "email", name: "Mine too", config: { address: ch.address.toUpperCase() } } });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error.field ?? res.body.error.message).toContain("address");
  });

  it("receives mail from Email Routing for the address's channel and rejects unknown addresses", async () => {
    const t = await createTenant();
    const ch = await createEmailChannel(t);
    const routed = (to: string, raw: string) => {
      const bytes = new TextEncoder().encode(raw);
      const rejected: string[] = [];
      return {
        message: { from: "maria@example.net", to, raw: new Response(bytes).body!, rawSize: bytes.byteLength, setReject: (r: string) => rejected.push(r) },
        rejected,
      };
    };
    const ok = routed(ch.address, mail({ from: "Maria <maria@example.net>", to: ch.address, id: `routed-${rand()}@example.net`, subject: "Hello", text: "Via routing" }));
    expect(await receiveRoutedEmail(ok.message, env as unknown as Env)).toBe("stored");
    expect(ok.rejected).toEqual([]);
    await eventually(async () => expect(await messagesOf(ch.id)).toHaveLength(1));
    const unknown = routed(`nobody-${rand()}@acme-support.test`, mail({ from: "a@example.net", to: "nobody@acme-support.test", id: `u-${rand()}@example.net`, subject: "?", text: "?" }));
    expect(await receiveRoutedEmail(unknown.message, env as unknown as Env)).toBe("rejected");
    expect(unknown.rejected).toEqual(["No such mailbox"]);
  });
});
