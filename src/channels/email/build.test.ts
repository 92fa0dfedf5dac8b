import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { emailFixtures as fx } from "../../../test/fixtures/email";
import { buildReply, EmailBuildError, type ReplyInput, replySubject } from "./build";
import { parseEmail } from "./parse";

const base: ReplyInput = {
  from: { address: "help@acme-support.com", name: "Acme Support" },
  to: { address: "maria.gonzalez@example.net", name: "Maria Gonzalez" },
  subject: "Order #10482 has not arrived",
  text: "Hi Maria,\n\nThe carrier says the parcel will be delivered tomorrow.",
  inReplyTo: "CAJx7Lk3pQ9w+Vb2nR8s@mail.example.net",
  references: [],
  domain: "acme-support.com",
};

async function parsed(raw: string) {
  const result = await parseEmail(raw);
  if (result.kind !== "message") expect.fail(`expected a message, got ignored (${result.reason})`);
  return result.message;
}

describe("buildReply", () => {
  it("round-trips: the parsed reply carries the threading headers, subject, text and addresses", async () => {
    const customer = await parsed(fx.reply); // a mail that already has references
    const c = customer.content;
    const { raw, messageId } = buildReply({ ...base, subject: c.subject, inReplyTo: c.messageId, references: c.references });
    const reply = await parsed(raw);
    expect(reply.externalId).toBe(messageId);
    expect(reply.from).toEqual({ id: "help@acme-support.com", name: "Acme Support" });
    expect(reply.replyTo).toBe("CAJx7Lk9zT4m+Qa1@mail.example.net");
    expect(reply.content).toMatchObject({
      subject: "Re: Order #10482 has not arrived",
      text: base.text,
      messageId,
      inReplyTo: "CAJx7Lk9zT4m+Qa1@mail.example.net",
      references: ["CAJx7Lk3pQ9w+Vb2nR8s@mail.example.net", "5f0c2b1e-3d4a-4c8e-9b7f-1a2b3c4d5e6f@acme-support.com", "CAJx7Lk9zT4m+Qa1@mail.example.net"],
      to: ["maria.gonzalez@example.net"],
    });
  });

  it("gives every reply a fresh <uuid@domain> Message-ID", () => {
    const a = buildReply(base);
    const b = buildReply(base);
    expect(a.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}@acme-support\.com$/);
    expect(b.messageId).not.toBe(a.messageId);
    expect(a.raw).toContain(`\r\nMessage-ID: <${a.messageId}>\r\n`);
  });

  it("reuses a given Message-ID, so a retried send is the same mail", () => {
    const { raw, messageId } = buildReply({ ...base, messageId: "<retry-1@acme-support.com>" });
    expect(messageId).toBe("retry-1@acme-support.com");
    expect(raw).toContain("\r\nMessage-ID: <retry-1@acme-support.com>\r\n");
  });

  it.each([
    ["Order 1", "Re: Order 1"],
    ["Re: Order 1", "Re: Order 1"],
    ["RE: re: Re:Order 1", "Re: Order 1"],
    ["Aw: Re[2]: Order 1", "Re: Order 1"],
    ["Fwd: Order 1", "Re: Fwd: Order 1"],
    ["Regarding order 1", "Re: Regarding order 1"],
  ])("turns the subject %j into %j", (subject, expected) => {
    expect(replySubject(subject)).toBe(expected);
  });

  it("bounds References to 20 ids, keeping the root and ending with the message replied to", async () => {
    const references = Array.from({ length: 30 }, (_, i) => `r${i}@example.net`);
    const { raw } = buildReply({ ...base, inReplyTo: "last@example.net", references: [...references, "r5@example.net"] });
    const refs = (await parsed(raw)).content.references;
    expect(refs).toHaveLength(20);
    expect(refs[0]).toBe("r0@example.net");
    expect(refs.at(-1)).toBe("last@example.net");
    expect(new Set(refs).size).toBe(20);
  });

  it("marks bot replies Auto-Submitted: auto-replied, so they never open a conversation when they come back", async () => {
    const bot = buildReply({ ...base, autoSubmitted: true });
    expect(bot.raw).toContain("\r\nAuto-Submitted: auto-replied\r\n");
    expect(await parseEmail(bot.raw)).toEqual({ kind: "ignored", reason: "auto-reply" });
    const agent = buildReply(base);
    expect(agent.raw).not.toMatch(/Auto-Submitted/i);
  });

  it("adds the HTML as an alternative to the plain text", async () => {
    const { raw } = buildReply({ ...base, html: "<p>Hi Maria,</p><p>The carrier says <b>tomorrow</b>.</p>" });
    expect(raw).toMatch(/\r\nContent-Type: multipart\/alternative; boundary=/);
    const mail = await PostalMime.parse(raw);
    expect(mail.text).toBe(base.text.replace(/\n/g, "\r\n"));
    expect(mail.html).toBe("<p>Hi Maria,</p><p>The carrier says <b>tomorrow</b>.</p>");
  });

  it("writes RFC 5322 lines: CRLF only, none over 998 octets, 7-bit whatever the language", () => {
    const { raw } = buildReply({ ...base, subject: "Заказ ".repeat(100), text: `${"長い行".repeat(2000)}\nend`, to: { address: "ann@example.com", name: "Ånn Ëxample" } });
    expect(raw).not.toMatch(/[^\r]\n/);
    expect(raw.split("\r\n").every((line) => line.length <= 998)).toBe(true);
    expect(raw).toMatch(/^[\x00-\x7F]*$/);
  });

  it("keeps non-ASCII subjects, names and text intact", async () => {
    const reply = await parsed(buildReply({ ...base, subject: "Problème de facturation", text: "Bonjour François, c’est réglé ✅", from: { address: "help@acme-support.com", name: "Équipe Acme" } }).raw);
    expect(reply.content.subject).toBe("Re: Problème de facturation");
    expect(reply.content.text).toBe("Bonjour François, c’est réglé ✅");
    expect(reply.from.name).toBe("Équipe Acme");
  });

  it("cannot be made to carry extra headers through the subject or a name", async () => {
    const { raw } = buildReply({ ...base, subject: "Hi\r\nBcc: victim@example.com", to: { address: "maria.gonzalez@example.net", name: "M\r\nBcc: victim@example.com" } });
    const mail = await PostalMime.parse(raw);
    expect(mail.headers.map((h) => h.key)).not.toContain("bcc");
    expect(mail.bcc).toBeUndefined();
  });

  it.each([
    ["to", { ...base, to: { address: "maria@example.net\r\nBcc: victim@example.com" } }],
    ["to", { ...base, to: { address: "Maria <maria@example.net>" } }],
    ["from", { ...base, from: { address: "not-an-address" } }],
    ["inReplyTo", { ...base, inReplyTo: "<a@b>\r\nBcc: victim@example.com" }],
    ["messageId", { ...base, messageId: "no-at-sign" }],
    ["domain", { ...base, domain: "acme support.com" }],
  ])("refuses a %s that is not what it claims", (field, input) => {
    expect(() => buildReply(input)).toThrow(EmailBuildError);
    try {
      buildReply(input);
    } catch (err) {
      expect((err as EmailBuildError).field).toBe(field);
    }
  });

  it("drops references that are not message ids instead of writing them", async () => {
    const { raw } = buildReply({ ...base, references: ["good@example.net", "bad id\r\nBcc: x@y.z", "<also-good@example.net>"] });
    expect((await parsed(raw)).content.references).toEqual(["good@example.net", "also-good@example.net", base.inReplyTo]);
  });
});
