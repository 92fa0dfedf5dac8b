import { isRecord, isTransientStatus, postToProvider, ProviderError } from "./provider-call";

/**
 * Mailgun's sending API for mail Parley built itself: `POST {base}/v3/{domain}/messages.mime`,
 * multipart/form-data with `to` (the envelope recipient) and `message` (the raw MIME as a file), HTTP
 * Basic auth `api:{key}`. A 200 answers `{id: "<…@domain>", message: "Queued. Thank you."}`; errors
 * are `{message}` JSON (400, 404), or a bare `Forbidden` for a wrong key.
 */
// Plain fetch, no SDK: one form POST is the whole integration, and mailgun.js would bundle axios for it.

export interface MailgunCredentials {
  api_key: string;
}

/**
 * Sends one raw message to one recipient; returns Mailgun's message id without angle brackets (Mailgun
 * keeps a Message-ID the MIME already carries). Threading keys on buildReply's messageId, not on this.
 */
export async function sendEmailMime(base: string, creds: MailgunCredentials, domain: string, to: string, raw: string): Promise<string> {
  const form = new FormData();
  form.append("to", to);
  // As a file part: Mailgun refuses a `message` sent as a plain field ("'message' parameter is not a file").
  form.append("message", new Blob([raw], { type: "message/rfc822" }), "message.mime");
  const res = await postToProvider("mailgun", `${base}/v3/${encodeURIComponent(domain)}/messages.mime`, {
    // fetch writes the multipart Content-Type with its boundary itself.
    headers: { authorization: `Basic ${btoa(`api:${creds.api_key}`)}` },
    body: form,
  });
  const body = isRecord(res.body) ? res.body : {};
  if (res.ok) {
    const id = typeof body.id === "string" ? body.id.trim().replace(/^<|>$/g, "") : "";
    if (!id) throw new ProviderError("mailgun", res.status, "Mailgun accepted the message but returned no id", true);
    return id;
  }
  const message = typeof body.message === "string" ? body.message : res.status === 401 ? "Forbidden (check the API key and the sending domain)" : "request failed";
  // 400 (bad address, malformed MIME), 401/403 (key), 404 (unknown domain) and 413 stay failed;
  // 429 and 5xx are Mailgun's "later".
  throw new ProviderError("mailgun", res.status, `Mailgun ${res.status}: ${message}`, !isTransientStatus(res.status));
}
