import { describe, expect, it } from "vitest";
import { emailFixtures as fx } from "../../../test/fixtures/email";
import { type EmailContent, type EmailParseResult, isEmailTooLarge, MAX_EMAIL_BYTES, parseEmail } from "./parse";

// Fixtures are dated 30 Nov – 1 Dec 2026; parsing "now" just after keeps their Date headers plausible.
const NOW = Date.parse("2026-12-01T15:00:00Z");
const parse = (raw: string | Uint8Array | ArrayBuffer, opts = {}) => parseEmail(raw, { now: NOW, ...opts });

function message(result: EmailParseResult) {
  if (result.kind !== "message") expect.fail(`expected a message, got ignored (${result.reason})`);
  return result.message;
}
const content = async (raw: string | Uint8Array, opts = {}): Promise<EmailContent> => message(await parse(raw, opts)).content;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

describe("parseEmail: fixtures", () => {
  it.each([
    ["plain", "message"],
    ["htmlOnly", "message"],
    ["alternative", "message"],
    ["attachments", "message"],
    ["reply", "message"],
    ["replyOutlook", "message"],
    ["latin1Qp", "message"],
    ["encodedSubject", "message"],
    ["nulByte", "message"],
    ["autoReplied", "auto-reply"],
    ["vacation", "auto-reply"],
    ["bounce", "bounce"],
  ] as const)("%s becomes %s", async (name, expected) => {
    const result = await parse(fx[name]);
    expect(result.kind === "message" ? "message" : result.reason).toBe(expected);
  });

  it("turns a plain mail into a message from its lowercased sender, keyed by its Message-ID", async () => {
    expect(message(await parse(fx.plain))).toEqual({
      kind: "message",
      externalId: "CAJx7Lk3pQ9w+Vb2nR8s@mail.example.net",
      from: { id: "maria.gonzalez@example.net", name: "Maria Gonzalez" },
      timestamp: Date.parse("2026-11-30T14:02:07Z"),
      content: {
        type: "email",
        subject: "Order #10482 has not arrived",
        text: 'Hello,\n\nI ordered a pair of headphones (order #10482) on November 20th and the\ntracking page has said "in transit" for a week now.\n\nCould you tell me where the parcel is?\n\nThanks,\nMaria',
        attachments: [],
        messageId: "CAJx7Lk3pQ9w+Vb2nR8s@mail.example.net",
        references: [],
        to: ["help@acme-support.com"],
        cc: ["luis@example.net"],
      },
    });
  });

  it("makes readable text from an HTML-only mail, without scripts, styles or tracking pixels", async () => {
    const c = await content(fx.htmlOnly);
    expect(c.text).toBe(
      "Hi there,\n\nI returned the blender on Nov 12 but haven’t seen the refund yet. The return label is here [https://returns.example.com/rl/88321].\n\n * Order: 10377\n * Amount: €89.90\n\nBest regards,\nWei",
    );
    expect(c.text).not.toMatch(/document\.write|font-family|tracker\.example|<\w/);
  });

  it("takes the plain part of a multipart/alternative mail", async () => {
    const c = await content(fx.alternative);
    expect(c.text).toBe("Hi,\n\nI just placed order 10511 but I'm moving on Friday. Can the parcel go to\n12 Harbour Road instead?\n\nSam");
  });

  it("records attachment metadata (inline parts, content ids, RFC 2231 names) and never their bytes", async () => {
    const c = await content(fx.attachments);
    expect(c.text).toBe("The lamp arrived with a cracked shade, see the photo below and the\ndelivery note attached.\n\nAino");
    expect(c.attachments).toEqual([
      { filename: "shade.png", mimeType: "image/png", size: 70, contentId: "photo1@mail.example.fi", inline: true },
      { filename: "delivery-note.pdf", mimeType: "application/pdf", size: 142 },
      { filename: "päivitys.csv", mimeType: "text/csv", size: 29 },
    ]);
    expect(JSON.stringify(c)).not.toContain("JVBERi0"); // the PDF's base64
  });

  it("marks attachments over the size limit as too large", async () => {
    const c = await content(fx.attachments, { maxAttachmentBytes: 100 });
    expect(c.attachments.map((a) => [a.filename, a.too_large ?? false])).toEqual([
      ["shade.png", false],
      ["delivery-note.pdf", true],
      ["päivitys.csv", false],
    ]);
  });

  it("keeps a reply's threading headers and splits the quoted earlier mail off its text", async () => {
    const m = message(await parse(fx.reply));
    expect(m.replyTo).toBe("5f0c2b1e-3d4a-4c8e-9b7f-1a2b3c4d5e6f@acme-support.com");
    expect(m.content).toMatchObject({
      subject: "Re: Order #10482 has not arrived",
      text: "Thank you, it arrived this morning!\n\nMaria",
      messageId: "CAJx7Lk9zT4m+Qa1@mail.example.net",
      inReplyTo: "5f0c2b1e-3d4a-4c8e-9b7f-1a2b3c4d5e6f@acme-support.com",
      references: ["CAJx7Lk3pQ9w+Vb2nR8s@mail.example.net", "5f0c2b1e-3d4a-4c8e-9b7f-1a2b3c4d5e6f@acme-support.com"],
    });
    expect(m.content.quoted).toMatch(/^On Mon, Nov 30, 2026 at 4:10\u202FPM Acme Support <help@acme-support.com>\nwrote:\n\n> Hi Maria,/);
    expect(m.content.quoted).toContain("> > I ordered a pair of headphones");
  });

  it("splits Outlook's copied-header quote off a reply", async () => {
    const c = await content(fx.replyOutlook);
    expect(c.text).toBe("Please send it to accounts@contoso.example instead.\n\nTom");
    expect(c.quoted).toMatch(/^_{32}\nFrom: Acme Support <help@acme-support.com>\nSent: Monday/);
    expect(c.inReplyTo).toBe("77aa0e5c-1b2d-4f3e-8a9b-0c1d2e3f4a5b@acme-support.com");
  });

  it("decodes ISO-8859-1 quoted-printable bodies and encoded-word names", async () => {
    const m = message(await parse(fx.latin1Qp));
    expect(m.from).toEqual({ id: "francois.muller@posteo.example", name: "François Müller" });
    expect(m.content.subject).toBe("Problème de facturation");
    expect(m.content.text).toBe(
      "Bonjour,\n\nMa facture indique « 120,00 EUR » alors que j'ai payé 102,00 EUR pour la commande 10498. Pourriez-vous vérifier ? Merci beaucoup.\n\nFrançois",
    );
  });

  it("decodes subjects made of several encoded words in different charsets", async () => {
    const m = message(await parse(fx.encodedSubject));
    expect(m.content.subject).toBe("注文のキャンセル — order 10600 (résumé)");
    expect(m.from.name).toBe("山田太郎");
    expect(m.content.text).toBe("注文をキャンセルしたいです。");
  });

  it("strips NUL and control characters and lone surrogates so Postgres can store the message", async () => {
    const m = message(await parse(fx.nulByte));
    expect(m.content.text).toBe("Line one with a NUL byte.\nLine two with a bell and form feed.");
    for (const value of [m.content.subject, m.content.text, m.from.name ?? ""]) {
      expect(value).not.toMatch(CONTROL);
      expect(value).not.toMatch(LONE_SURROGATE);
    }
    expect(m.content.subject).toMatch(/hi nul here$/);
  });
});

describe("parseEmail: inputs and limits", () => {
  it("gives the same message for a string, a Uint8Array and an ArrayBuffer", async () => {
    const bytes = new TextEncoder().encode(fx.attachments);
    const fromString = await parse(fx.attachments);
    expect(await parse(bytes)).toEqual(fromString);
    expect(await parse(bytes.slice().buffer)).toEqual(fromString);
  });

  it("decodes raw 8-bit ISO-8859-1 bytes the way mail clients do (as windows-1252)", async () => {
    const head = "From: a@example.com\r\nMessage-ID: <8bit@example.com>\r\nSubject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    const body = Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0xe0, 0x20, 0x32, 0x80, 0x0a]);
    const raw = new Uint8Array([...new TextEncoder().encode(head), ...body]);
    expect((await content(raw)).text).toBe("Café à 2€");
  });

  it("keys a mail without a Message-ID by the SHA-256 of its raw bytes", async () => {
    const raw = fx.plain.replace(/^Message-ID: .*\n/m, "");
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(raw)));
    const m = message(await parse(raw));
    expect(m.externalId).toBe(Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""));
    expect(m.content.messageId).toBe("");
  });

  it.each([
    ["a far-future Date", "Date: Sat, 1 Jan 2100 00:00:00 +0000"],
    ["a far-past Date", "Date: Thu, 1 Jan 1970 00:00:00 +0000"],
    ["an unparseable Date", "Date: yesterday-ish"],
  ])("falls back to now for %s", async (_label, header) => {
    const raw = fx.plain.replace(/^Date: .*$/m, header);
    expect(message(await parse(raw)).timestamp).toBe(NOW);
  });

  it("falls back to now when the Date header is missing", async () => {
    expect(message(await parse(fx.plain.replace(/^Date: .*\n/m, ""))).timestamp).toBe(NOW);
  });

  it.each([
    ["no From header", (raw: string) => raw.replace(/^From: .*\n/m, "")],
    ["a From without an address", (raw: string) => raw.replace(/^From: .*$/m, "From: undisclosed-recipients:;")],
    ["a From that is not an address", (raw: string) => raw.replace(/^From: .*$/m, "From: Maria")],
  ])("ignores mail with %s", async (_label, edit) => {
    expect(await parse(edit(fx.plain))).toEqual({ kind: "ignored", reason: "no sender" });
  });

  it("ignores mail claiming to come from the channel's own address", async () => {
    const raw = fx.plain.replace(/^From: .*$/m, "From: Acme <Help@Acme-Support.com>");
    expect(await parse(raw, { ownAddresses: ["help@acme-support.com"] })).toEqual({ kind: "ignored", reason: "own address" });
  });

  it("ignores mailing-list mail", async () => {
    const raw = fx.plain.replace(/^Subject: /m, "List-Id: <deals.shop.example>\nSubject: ");
    expect(await parse(raw)).toEqual({ kind: "ignored", reason: "mailing-list" });
  });

  it("bounds the text and keeps surrogate pairs whole at the cut", async () => {
    const raw = fx.plain.replace(/Hello,/, `Hello ${"😀".repeat(50)}`);
    const c = await content(raw, { maxTextChars: 21 });
    expect(c.text).toBe(`Hello ${"😀".repeat(7)}`);
    expect(c.text).not.toMatch(LONE_SURROGATE);
  });

  it("keeps the thread's root and the 19 most recent references of a long thread", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `<ref${i}@example.com>`);
    const raw = fx.plain.replace(/^Subject: /m, `References: ${ids.join("\n ")}\nSubject: `);
    const c = await content(raw);
    expect(c.references).toEqual(["ref0@example.com", ...Array.from({ length: 19 }, (_, i) => `ref${i + 21}@example.com`)]);
  });

  it("refuses a raw message over MAX_EMAIL_BYTES, and the caller can check first", async () => {
    const big = `${fx.plain}\n${"x".repeat(MAX_EMAIL_BYTES)}`;
    expect(isEmailTooLarge(big)).toBe(true);
    expect(isEmailTooLarge(fx.plain)).toBe(false);
    expect(isEmailTooLarge(MAX_EMAIL_BYTES)).toBe(false);
    expect(isEmailTooLarge(MAX_EMAIL_BYTES + 1)).toBe(true);
    expect(await parse(big)).toEqual({ kind: "ignored", reason: "too large" });
  });

  it("counts a string's size in UTF-8 bytes, not characters", () => {
    expect(isEmailTooLarge("é".repeat(MAX_EMAIL_BYTES / 2 + 1))).toBe(true);
    expect(isEmailTooLarge("é".repeat(MAX_EMAIL_BYTES / 2))).toBe(false);
  });

  it("reports mail nested deeper than the parser allows as malformed", async () => {
    let raw = "From: a@example.com\r\nSubject: deep\r\n";
    for (let i = 0; i < 300; i++) raw += `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`;
    raw += "Content-Type: text/plain\r\n\r\nhi\r\n";
    expect(await parse(raw)).toEqual({ kind: "ignored", reason: "malformed" });
  });
});
