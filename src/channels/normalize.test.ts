import { describe, expect, it } from "vitest";
import { telegramMessageJson, twilioSmsForm, whatsappStatusJson, whatsappTextJson } from "./fixtures";
import { InboundParseError, type NormalizedInbound, parseApiChannel, parseTelegram, parseTwilio, parseWhatsApp } from "./normalize";

/** Asserts the parser throws InboundParseError naming exactly `field`. */
function expectParseError(run: () => unknown, field: string): void {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InboundParseError);
    expect((err as InboundParseError).field).toBe(field);
    expect((err as InboundParseError).message).toContain(field);
    return;
  }
  expect.fail(`expected InboundParseError for ${field}`);
}

function formObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  params.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

const contentOf = (items: NormalizedInbound[]) => items.map((i) => (i.kind === "message" ? i.content : i));

// ---------------------------------------------------------------------------------------------
describe("parseWhatsApp", () => {
  const wa = (value: Record<string, unknown>) => ({
    object: "whatsapp_business_account",
    entry: [{ id: "WABA", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "1" }, ...value } }] }],
  });
  const msg = (type: string, body: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ from: "16505551234", id: `wamid.${type}`, timestamp: "1749416383", type, ...body, ...extra });
  const one = (m: Record<string, unknown>) => parseWhatsApp(wa({ messages: [m] }))[0];

  it("parses the text fixture with the contact profile name", () => {
    expect(parseWhatsApp(JSON.parse(whatsappTextJson))).toEqual([
      {
        kind: "message",
        externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        from: { id: "16505551234", name: "Sheena Nelson", phone: "+16505551234" },
        timestamp: 1749416383000,
        content: { type: "text", text: "Does it come in another color?" },
        raw: JSON.parse(whatsappTextJson).entry[0].changes[0].value.messages[0],
      },
    ]);
  });

  it("parses the status fixture", () => {
    expect(parseWhatsApp(JSON.parse(whatsappStatusJson))).toEqual([
      { kind: "status", externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NTc2RUE2NkM5NDNBNjFCNTQA", status: "delivered", timestamp: 1750263773000, recipientId: "16505551234" },
    ]);
  });

  it("maps every content type", () => {
    const cases: Array<[Record<string, unknown>, unknown]> = [
      [msg("image", { image: { id: "IMG", mime_type: "image/jpeg", sha256: "x", caption: "look" } }), { type: "media", mediaType: "image", mediaId: "IMG", mimeType: "image/jpeg", caption: "look" }],
      [msg("audio", { audio: { id: "AUD", mime_type: "audio/ogg; codecs=opus", voice: true } }), { type: "media", mediaType: "audio", mediaId: "AUD", mimeType: "audio/ogg; codecs=opus" }],
      [msg("video", { video: { id: "VID", mime_type: "video/mp4" } }), { type: "media", mediaType: "video", mediaId: "VID", mimeType: "video/mp4" }],
      [msg("document", { document: { id: "DOC", mime_type: "application/pdf", filename: "invoice.pdf", caption: "bill" } }), { type: "media", mediaType: "document", mediaId: "DOC", mimeType: "application/pdf", filename: "invoice.pdf", caption: "bill" }],
      [msg("sticker", { sticker: { id: "STK", mime_type: "image/webp", animated: false } }), { type: "media", mediaType: "sticker", mediaId: "STK", mimeType: "image/webp" }],
      [msg("location", { location: { latitude: 37.48, longitude: -122.15, name: "HQ", address: "1 Hacker Way" } }), { type: "location", latitude: 37.48, longitude: -122.15, name: "HQ", address: "1 Hacker Way" }],
      [
        msg("contacts", { contacts: [{ name: { formatted_name: "Ana Li", first_name: "Ana" }, phones: [{ phone: "+1 555 0100", wa_id: "15550100", type: "CELL" }], emails: [{ email: "ana@example.com" }] }, { name: { first_name: "Bo", last_name: "Ek" } }] }),
        { type: "contacts", contacts: [{ name: "Ana Li", phones: ["+1 555 0100"], emails: ["ana@example.com"] }, { name: "Bo Ek" }] },
      ],
      [msg("reaction", { reaction: { message_id: "wamid.OUT", emoji: "👍" } }), { type: "reaction", emoji: "👍", targetExternalId: "wamid.OUT" }],
      [msg("reaction", { reaction: { message_id: "wamid.OUT" } }), { type: "reaction", emoji: "", targetExternalId: "wamid.OUT" }],
      [msg("interactive", { interactive: { type: "button_reply", button_reply: { id: "yes", title: "Yes please" } } }), { type: "text", text: "Yes please" }],
      [msg("interactive", { interactive: { type: "list_reply", list_reply: { id: "r2", title: "Red", description: "crimson" } } }), { type: "text", text: "Red" }],
      [msg("interactive", { interactive: { type: "nfm_reply", nfm_reply: { response_json: "{}" } } }), { type: "unsupported", providerType: "interactive:nfm_reply" }],
      [msg("button", { button: { payload: "STOP", text: "Stop promotions" } }), { type: "text", text: "Stop promotions" }],
      [msg("unsupported", { unsupported: { type: "poll" }, errors: [{ code: 131051 }] }), { type: "unsupported", providerType: "poll" }],
      [msg("unsupported", {}), { type: "unsupported", providerType: "unsupported" }],
      [msg("order", { order: { catalog_id: "c" } }), { type: "unsupported", providerType: "order" }],
      [msg("brand_new_type", {}), { type: "unsupported", providerType: "brand_new_type" }],
    ];
    for (const [input, expected] of cases) expect(one(input)).toMatchObject({ kind: "message", content: expected });
  });

  it("flattens several entries, changes, messages and statuses in payload order", () => {
    const payload = {
      object: "whatsapp_business_account",
      entry: [
        { id: "A", changes: [{ field: "messages", value: { contacts: [{ profile: { name: "Ann" }, wa_id: "111111111" }, { profile: { name: "Bob" }, wa_id: "222222222" }], messages: [msg("text", { text: { body: "1" } }, { from: "111111111", id: "m1" }), msg("text", { text: { body: "2" } }, { from: "222222222", id: "m2", context: { from: "155", id: "wamid.ORIG" } })] } }] },
        { id: "B", changes: [{ field: "message_template_status_update", value: { event: "APPROVED" } }, { field: "messages", value: { statuses: [{ id: "o1", status: "read", timestamp: 1750000000, recipient_id: "3" }, { id: "o2", status: "failed", timestamp: "1750000001", recipient_id: "3", errors: [{ code: 131026, title: "Message undeliverable", error_data: { details: "Receiver is incapable" } }] }, { id: "o3", status: "deleted", timestamp: "1" }, { id: "o4", status: "played", timestamp: "2" }] } }] },
      ],
    };
    const out = parseWhatsApp(payload);
    expect(out.map((o) => [o.kind, o.externalId])).toEqual([["message", "m1"], ["message", "m2"], ["status", "o1"], ["status", "o2"], ["status", "o4"]]);
    expect(out[0]).toMatchObject({ from: { id: "111111111", name: "Ann" } });
    expect(out[1]).toMatchObject({ from: { name: "Bob" }, replyTo: "wamid.ORIG" });
    expect(out[3]).toMatchObject({ status: "failed", error: "131026 Message undeliverable: Receiver is incapable", timestamp: 1750000001000 });
    expect(out[4]).toMatchObject({ status: "read" });
  });

  it("identifies username-only users by their business-scoped user id", () => {
    const out = parseWhatsApp(wa({ contacts: [{ profile: { name: "Sheena", username: "@sheena" }, user_id: "US.1349120865530274" }], messages: [msg("text", { text: { body: "hi" } }, { from: undefined, from_user_id: "US.1349120865530274" })] }));
    expect(out[0]).toMatchObject({ from: { id: "US.1349120865530274", name: "Sheena", username: "@sheena" } });
    expect(out[0]!.kind === "message" && out[0]!.from.phone).toBe(undefined);
  });

  it("ignores unknown fields at every level", () => {
    const payload = JSON.parse(whatsappTextJson);
    payload.novel = 1;
    payload.entry[0].extra = { a: 1 };
    payload.entry[0].changes[0].value.brand_new = [1, 2];
    payload.entry[0].changes[0].value.messages[0].text.preview_url = true;
    payload.entry[0].changes[0].value.contacts[0].identity_key_hash = "h";
    const [parsed] = parseWhatsApp(payload);
    expect(parsed).toMatchObject({ externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", content: { type: "text", text: "Does it come in another color?" } });
    expect(parseWhatsApp(wa({ errors: [{ code: 130429 }] }))).toEqual([]);
  });

  it("throws InboundParseError naming the field for structurally invalid payloads", () => {
    expectParseError(() => parseWhatsApp(null), "");
    expectParseError(() => parseWhatsApp({ object: "whatsapp_business_account" }), "entry");
    expectParseError(() => parseWhatsApp(wa({ messages: [msg("text", { text: { body: "x" } }, { id: undefined })] })), "entry[0].changes[0].value.messages[0].id");
    expectParseError(() => parseWhatsApp(wa({ messages: [msg("text", { text: {} })] })), "entry[0].changes[0].value.messages[0].text.body");
    expectParseError(() => parseWhatsApp(wa({ messages: [msg("text", { text: { body: "x" } }, { from: undefined })] })), "entry[0].changes[0].value.messages[0].from");
    expectParseError(() => parseWhatsApp(wa({ messages: [msg("text", { text: { body: "x" } }, { timestamp: "soon" })] })), "entry[0].changes[0].value.messages[0].timestamp");
    expectParseError(() => parseWhatsApp(wa({ statuses: [{ status: "sent", timestamp: "1" }] })), "entry[0].changes[0].value.statuses[0].id");
    expectParseError(() => parseWhatsApp(wa({ messages: [msg("location", { location: { latitude: "north" } })] })), "entry[0].changes[0].value.messages[0].location.latitude");
  });
});

// ---------------------------------------------------------------------------------------------
describe("parseTelegram", () => {
  const chat = { id: 1111111, first_name: "Test", last_name: "Lastname", username: "Testusername", type: "private" };
  const update = (message: Record<string, unknown>, key = "message") => ({ update_id: 1, [key]: { message_id: 7, date: 1441645532, chat, from: { id: 1111111, is_bot: false, first_name: "Test" }, ...message } });
  const contentFor = (message: Record<string, unknown>) => (parseTelegram(update(message))[0] as { content: unknown }).content;

  it("parses the fixture update", () => {
    const raw = JSON.parse(telegramMessageJson);
    expect(parseTelegram(raw)).toEqual([
      {
        kind: "message",
        externalId: "1111111:1365",
        from: { id: "1111111", name: "Test Lastname", username: "Testusername", language: "en" },
        timestamp: 1441645532000,
        content: { type: "text", text: "/start" },
        raw: raw.message,
      },
    ]);
  });

  it("maps every content type", () => {
    const file = (id: string, extra: Record<string, unknown> = {}) => ({ file_id: id, file_unique_id: `u${id}`, ...extra });
    expect(contentFor({ photo: [file("s", { width: 90, height: 90 }), file("l", { width: 1280, height: 960 }), file("m", { width: 320, height: 240 })], caption: "pic" })).toEqual({ type: "media", mediaType: "image", mediaId: "l", caption: "pic" });
    expect(contentFor({ document: file("d", { file_name: "a.pdf", mime_type: "application/pdf" }) })).toEqual({ type: "media", mediaType: "document", mediaId: "d", mimeType: "application/pdf", filename: "a.pdf" });
    expect(contentFor({ voice: file("v", { duration: 3, mime_type: "audio/ogg" }) })).toEqual({ type: "media", mediaType: "audio", mediaId: "v", mimeType: "audio/ogg" });
    expect(contentFor({ audio: file("a", { duration: 200, mime_type: "audio/mpeg", file_name: "song.mp3", title: "Song" }) })).toEqual({ type: "media", mediaType: "audio", mediaId: "a", mimeType: "audio/mpeg", filename: "song.mp3" });
    expect(contentFor({ video: file("vid", { width: 1, height: 1, duration: 1, mime_type: "video/mp4" }), caption: "clip" })).toEqual({ type: "media", mediaType: "video", mediaId: "vid", mimeType: "video/mp4", caption: "clip" });
    expect(contentFor({ animation: file("gif", { mime_type: "video/mp4" }), document: file("gif", { mime_type: "video/mp4" }) })).toMatchObject({ mediaType: "video", mediaId: "gif" });
    expect(contentFor({ sticker: file("st", { width: 512, height: 512, is_animated: true, is_video: false, emoji: "😀", type: "regular" }) })).toEqual({ type: "media", mediaType: "sticker", mediaId: "st", mimeType: "application/x-tgsticker" });
    expect(contentFor({ location: { latitude: 52.5, longitude: 13.4, horizontal_accuracy: 5 } })).toEqual({ type: "location", latitude: 52.5, longitude: 13.4 });
    expect(contentFor({ location: { latitude: 1, longitude: 2 }, venue: { location: { latitude: 1, longitude: 2 }, title: "Cafe", address: "Main St 1" } })).toEqual({ type: "location", latitude: 1, longitude: 2, name: "Cafe", address: "Main St 1" });
    expect(contentFor({ contact: { phone_number: "+15550100", first_name: "Ana", last_name: "Li", user_id: 5 } })).toEqual({ type: "contacts", contacts: [{ name: "Ana Li", phones: ["+15550100"] }] });
  });

  it("keeps unknown content types as unsupported", () => {
    expect(contentFor({ poll: { id: "p", question: "?" } })).toEqual({ type: "unsupported", providerType: "poll" });
    expect(contentFor({ dice: { emoji: "🎲", value: 3 } })).toEqual({ type: "unsupported", providerType: "dice" });
    expect(contentFor({ something_from_2030: {} })).toEqual({ type: "unsupported", providerType: "unknown" });
  });

  it("links replies, flags edits and names group chats by title", () => {
    expect(parseTelegram(update({ text: "yes", reply_to_message: { message_id: 5, date: 1, chat, text: "q?" } }))[0]).toMatchObject({ replyTo: "1111111:5" });
    const [edit] = parseTelegram(update({ text: "fixed", edit_date: 1441645600 }, "edited_message"));
    expect(edit).toMatchObject({ externalId: "1111111:7", edited: true, timestamp: 1441645600000, content: { type: "text", text: "fixed" } });
    const group = { update_id: 2, message: { message_id: 9, date: 1, chat: { id: -1001234567890, type: "supergroup", title: "Support" }, from: { id: 1, first_name: "Al", username: "al", language_code: "de" }, text: "hi" } };
    expect(parseTelegram(group)[0]).toMatchObject({ externalId: "-1001234567890:9", from: { id: "-1001234567890", name: "Support", username: "al", language: "de" } });
  });

  it("returns nothing for update kinds without conversation content and ignores unknown fields", () => {
    expect(parseTelegram({ update_id: 3, callback_query: { id: "q", data: "x" } })).toEqual([]);
    const raw = JSON.parse(telegramMessageJson);
    raw.business_connection_id = "b";
    raw.message.via_bot = { id: 1 };
    raw.message.entities = [{ type: "bot_command", offset: 0, length: 6 }];
    expect(parseTelegram(raw)[0]).toMatchObject({ externalId: "1111111:1365", content: { type: "text", text: "/start" } });
  });

  it("throws InboundParseError naming the field for structurally invalid updates", () => {
    expectParseError(() => parseTelegram("nope"), "");
    expectParseError(() => parseTelegram({ message: {} }), "update_id");
    expectParseError(() => parseTelegram({ update_id: 1, message: { message_id: 1, date: 1 } }), "message.chat");
    expectParseError(() => parseTelegram({ update_id: 1, edited_message: { message_id: "1", date: 1, chat } }), "edited_message.message_id");
    expectParseError(() => parseTelegram(update({ photo: [] })), "message.photo");
  });
});

// ---------------------------------------------------------------------------------------------
describe("parseTwilio", () => {
  const now = 1_750_000_000_000;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);

  it("parses the SMS fixture", () => {
    const params = new URLSearchParams(twilioSmsForm.trim());
    expect(parseTwilio(params, now)).toEqual([
      {
        kind: "message",
        externalId: "SM1f0e8ae6ade43cb3c0ce4525424e404f",
        from: { id: "+15551234567", phone: "+15551234567" },
        timestamp: now,
        content: { type: "text", text: "Hello there, is my order shipped?" },
        raw: formObject(params),
      },
    ]);
  });

  it("splits MMS attachments into one message each, caption on the first", () => {
    const out = parseTwilio(form({ MessageSid: "MM1", From: "+15551234567", Body: "see", NumMedia: "2", MediaUrl0: "https://api.twilio.com/m0", MediaContentType0: "image/jpeg", MediaUrl1: "https://api.twilio.com/m1", MediaContentType1: "application/pdf" }), now);
    expect(contentOf(out)).toEqual([
      { type: "media", mediaType: "image", url: "https://api.twilio.com/m0", mimeType: "image/jpeg", caption: "see" },
      { type: "media", mediaType: "document", url: "https://api.twilio.com/m1", mimeType: "application/pdf" },
    ]);
    expect(out.map((o) => o.externalId)).toEqual(["MM1", "MM1:1"]);
  });

  it("handles WhatsApp-via-Twilio senders, replies, locations and unexpanded types", () => {
    const base = { MessageSid: "SMw", From: "whatsapp:+15551234567", ProfileName: "Ana", WaId: "15551234567" };
    expect(parseTwilio(form({ ...base, Body: "ok", OriginalRepliedMessageSid: "SMprev" }), now)[0]).toMatchObject({ from: { id: "whatsapp:+15551234567", phone: "+15551234567", name: "Ana" }, replyTo: "SMprev" });
    expect(contentOf(parseTwilio(form({ ...base, Latitude: "37.7", Longitude: "-122.4", Label: "Office", Address: "Market St" }), now))).toEqual([{ type: "location", latitude: 37.7, longitude: -122.4, name: "Office", address: "Market St" }]);
    expect(contentOf(parseTwilio(form({ ...base, Body: "", MessageType: "interactive" }), now))).toEqual([{ type: "unsupported", providerType: "interactive" }]);
  });

  it("turns status callbacks into status events and skips intermediate states", () => {
    expect(parseTwilio(form({ MessageSid: "SMo", MessageStatus: "delivered", To: "+15557654321", SmsStatus: "delivered" }), now)).toEqual([{ kind: "status", externalId: "SMo", status: "delivered", timestamp: now, recipientId: "+15557654321" }]);
    expect(parseTwilio(form({ MessageSid: "SMo", MessageStatus: "undelivered", ErrorCode: "30003" }), now)).toEqual([{ kind: "status", externalId: "SMo", status: "failed", timestamp: now, error: "30003" }]);
    expect(parseTwilio(form({ MessageSid: "SMo", MessageStatus: "read" }), now)[0]).toMatchObject({ status: "read" });
    expect(parseTwilio(form({ MessageSid: "SMo", MessageStatus: "queued" }), now)).toEqual([]);
    expect(parseTwilio(form({ MessageSid: "SMi", MessageStatus: "received", From: "+15551234567", Body: "hi" }), now)[0]).toMatchObject({ kind: "message" });
  });

  it("throws InboundParseError naming the parameter for unusable payloads", () => {
    expectParseError(() => parseTwilio(form({ From: "+1555", Body: "x" })), "MessageSid");
    expectParseError(() => parseTwilio(form({ MessageSid: "SM1", Body: "x" })), "From");
    expectParseError(() => parseTwilio(form({ MessageSid: "SM1", From: "+15551234567", NumMedia: "1" })), "MediaUrl0");
    expectParseError(() => parseTwilio(form({ MessageSid: "SM1", From: "+15551234567", NumMedia: "many" })), "NumMedia");
  });
});

// ---------------------------------------------------------------------------------------------
describe("parseApiChannel", () => {
  const now = 1_750_000_000_000;
  const base = { external_id: "ext-1", from: { id: "user-9", name: "Ana" }, text: "hello" };
  const ts = (timestamp: unknown) => (parseApiChannel({ ...base, timestamp }, now)[0] as { timestamp: number }).timestamp;

  it("parses the documented shape and ignores unknown fields", () => {
    expect(parseApiChannel({ ...base, extra: true, from: { ...base.from, avatar: "x" } }, now)).toEqual([
      { kind: "message", externalId: "ext-1", from: { id: "user-9", name: "Ana" }, timestamp: now, content: { type: "text", text: "hello" }, raw: { ...base, extra: true, from: { ...base.from, avatar: "x" } } },
    ]);
  });

  it("accepts ISO strings, epoch seconds and epoch milliseconds", () => {
    expect(ts("2025-06-15T12:00:00Z")).toBe(Date.UTC(2025, 5, 15, 12));
    expect(ts("2025-06-15T14:00:00.500+02:00")).toBe(Date.UTC(2025, 5, 15, 12, 0, 0, 500));
    expect(ts(1750000000)).toBe(1750000000000);
    expect(ts(1750000000123)).toBe(1750000000123);
    expect(ts("1750000000")).toBe(1750000000000);
  });

  it("throws InboundParseError naming the field for invalid payloads", () => {
    expectParseError(() => parseApiChannel([]), "");
    expectParseError(() => parseApiChannel({ ...base, external_id: "" }), "external_id");
    expectParseError(() => parseApiChannel({ ...base, from: {} }), "from.id");
    expectParseError(() => parseApiChannel({ ...base, text: 5 }), "text");
    expectParseError(() => parseApiChannel({ ...base, timestamp: "yesterday" }), "timestamp");
    expectParseError(() => parseApiChannel({ ...base, timestamp: "2025-06-15T12:00:00" }), "timestamp");
    expectParseError(() => parseApiChannel({ ...base, timestamp: -5 }), "timestamp");
  });
});
