import { isRecord, isTransientStatus, postToProvider, ProviderError } from "./provider-call";

/**
 * Telegram Bot API: `POST {base}/bot{token}/sendMessage` with `{chat_id, text}`. Every answer is
 * `{ok, result}` or `{ok:false, error_code, description, parameters?:{retry_after}}`.
 */

export interface TelegramCredentials {
  bot_token: string;
}

/**
 * Sends a text message to a chat; returns `<chat id>:<message_id>`, the same external id the inbound
 * parser gives (message ids are only unique within a chat).
 */
export async function sendTelegramText(base: string, creds: TelegramCredentials, chatId: string, text: string): Promise<string> {
  // Numeric chat ids go as numbers (they fit in 52 bits); "@channelname" targets stay strings.
  const chat = /^-?[0-9]{1,16}$/.test(chatId) ? Number(chatId) : chatId;
  const res = await postToProvider("telegram", `${base}/bot${creds.bot_token}/sendMessage`, {
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat_id: chat, text }),
  });
  const body = isRecord(res.body) ? res.body : {};
  if (res.ok && body.ok === true && isRecord(body.result)) {
    const result = body.result;
    const messageId = result.message_id;
    if (typeof messageId !== "number") throw new ProviderError("telegram", res.status, "Telegram accepted the message but returned no message_id", true);
    const sentTo = isRecord(result.chat) && (typeof result.chat.id === "number" || typeof result.chat.id === "string") ? String(result.chat.id) : chatId;
    return `${sentTo}:${messageId}`;
  }
  const status = typeof body.error_code === "number" ? body.error_code : res.status;
  const description = typeof body.description === "string" ? body.description : "request failed";
  // 401 (revoked token), 403 (bot blocked by the user) and 400 (chat not found, text too long) stay failed.
  throw new ProviderError("telegram", res.status, `Telegram ${status}: ${description}`, !isTransientStatus(res.status));
}
