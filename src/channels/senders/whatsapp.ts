import { isRecord, isTransientStatus, postToProvider, ProviderError } from "./provider-call";

/**
 * WhatsApp Cloud API: `POST {base}/{phone_number_id}/messages` with the system user's Bearer token.
 * A 200 answers `{messaging_product, contacts:[{input, wa_id}], messages:[{id: "wamid…"}]}`; errors are
 * Graph API errors `{error:{message, type, code, error_data:{details}, fbtrace_id}}`.
 */

// Meta asks clients to act on `error.code`, not the HTTP status: throttling comes back as 400 as well.
// 1 and 2: temporary API trouble; 4, 80007, 130429, 131056: rate limits that clear on their own.
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 341, 80007, 130429, 131056]);

export interface WhatsAppCredentials {
  access_token: string;
  phone_number_id: string;
}

/** Sends a text message to a wa_id; returns the `wamid` WhatsApp assigned to it. */
export async function sendWhatsAppText(base: string, creds: WhatsAppCredentials, to: string, text: string): Promise<string> {
  const res = await postToProvider("whatsapp", `${base}/${encodeURIComponent(creds.phone_number_id)}/messages`, {
    headers: { authorization: `Bearer ${creds.access_token}`, "content-type": "application/json" },
    body: JSON.stringify({ messaging_product: "whatsapp", recipient_type: "individual", to, type: "text", text: { preview_url: false, body: text } }),
  });
  if (res.ok) {
    const messages = isRecord(res.body) ? res.body.messages : undefined;
    const id = Array.isArray(messages) && isRecord(messages[0]) ? messages[0].id : undefined;
    if (typeof id !== "string" || !id) throw new ProviderError("whatsapp", res.status, "WhatsApp accepted the message but returned no message id", true);
    return id;
  }
  const error = isRecord(res.body) && isRecord(res.body.error) ? res.body.error : {};
  const code = typeof error.code === "number" ? error.code : undefined;
  const details = isRecord(error.error_data) && typeof error.error_data.details === "string" ? ` (${error.error_data.details})` : "";
  // Graph messages usually start with "(#<code>)" already; add it only when they do not.
  const message = typeof error.message === "string" ? error.message : "request failed";
  const coded = code !== undefined && !message.startsWith("(#") ? `(#${code}) ${message}` : message;
  const transient = isTransientStatus(res.status) || (code !== undefined && TRANSIENT_CODES.has(code));
  throw new ProviderError("whatsapp", res.status, `WhatsApp ${res.status}: ${coded}${details}`, !transient);
}
