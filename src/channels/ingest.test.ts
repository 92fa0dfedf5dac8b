import { describe, expect, it } from "vitest";
import { InboundParseError } from "./inbound";
import { parseDelivery } from "./ingest";
import { WIDGET_VISITOR_HEADER } from "./widget-delivery";

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe("parseDelivery", () => {
  it("takes a web chat delivery's sender from the authenticated visitor, never from the body", () => {
    const body = enc({ text: "hi", client_message_id: "abcdefgh12", from: { id: "someone-else" }, external_id: "forged" });
    const [m] = parseDelivery({ type: "webchat", credentials: null }, body, { headers: { [WIDGET_VISITOR_HEADER]: "visitor-1" } });
    expect(m).toMatchObject({ kind: "message", externalId: "visitor-1:abcdefgh12", from: { id: "visitor-1" } });
  });

  it("refuses a web chat delivery without an authenticated visitor", () => {
    expect(() => parseDelivery({ type: "webchat", credentials: null }, enc({ text: "hi", client_message_id: "abcdefgh12" }))).toThrow(InboundParseError);
  });

  it("keeps only the changes addressed to the channel's WhatsApp number", () => {
    const change = (phoneNumberId: string, id: string) => ({
      field: "messages",
      value: {
        messaging_product: "whatsapp",
        metadata: { display_phone_number: "15550001111", phone_number_id: phoneNumberId },
        contacts: [{ wa_id: "15551234567", profile: { name: "Ana" } }],
        messages: [{ from: "15551234567", id, timestamp: "1764590000", type: "text", text: { body: "hola" } }],
      },
    });
    const body = enc({ object: "whatsapp_business_account", entry: [{ id: "waba", changes: [change("111", "wamid.mine"), change("222", "wamid.other")] }] });
    const events = parseDelivery({ type: "whatsapp", credentials: { phone_number_id: "111" } }, body);
    expect(events.map((e) => e.externalId)).toEqual(["wamid.mine"]);
  });
});
