import { isRecord, isTransientStatus, postToProvider, ProviderError } from "./provider-call";

/**
 * Twilio Programmable Messaging: `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`,
 * form-encoded `To`, `From`, `Body`, HTTP Basic auth (Account SID : auth token). A 201 answers the
 * Message resource (`sid` "SM…", `status` "queued"); errors are `{code, message, more_info, status}`.
 */

export interface TwilioCredentials {
  account_sid: string;
  auth_token: string;
}

/** Sends an SMS; returns the Message SID. */
export async function sendTwilioSms(base: string, creds: TwilioCredentials, from: string, to: string, text: string): Promise<string> {
  const res = await postToProvider("twilio", `${base}/2010-04-01/Accounts/${encodeURIComponent(creds.account_sid)}/Messages.json`, {
    headers: {
      authorization: `Basic ${btoa(`${creds.account_sid}:${creds.auth_token}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ To: to, From: from, Body: text }).toString(),
  });
  const body = isRecord(res.body) ? res.body : {};
  if (res.ok) {
    if (typeof body.sid !== "string" || !body.sid) throw new ProviderError("twilio", res.status, "Twilio accepted the message but returned no sid", true);
    return body.sid;
  }
  const code = typeof body.code === "number" ? ` (${body.code})` : "";
  const message = typeof body.message === "string" ? body.message : "request failed";
  throw new ProviderError("twilio", res.status, `Twilio ${res.status}${code}: ${message}`, !isTransientStatus(res.status));
}
