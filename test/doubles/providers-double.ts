// A local stand-in for the provider send APIs Parley calls, at the network boundary, answering as
// their documentation describes: WhatsApp Cloud API (Graph), Telegram Bot API, Twilio Messages, Mailgun.
//   POST /whatsapp/<version>/<phone_number_id>/messages      Bearer <access_token>
//   POST /telegram/bot<token>/sendMessage                    token in the path
//   POST /twilio/2010-04-01/Accounts/<sid>/Messages.json     Basic <sid>:<auth_token>, form-encoded
//   POST /mailgun/v3/<domain>/messages.mime                  Basic api:<api_key>, multipart `to` + `message` file
// Control (for tests, JSON): PUT /_control/accounts {provider, key, secret?} registers credentials
// (key: phone_number_id | bot token | account sid | sending domain; secret: access token | – | auth token | api key);
// POST /_control/fail {provider, key, status, count} fails the next calls; GET /_control/requests?provider=&key=
// (a Mailgun request also carries `mail: {to, message}`, the envelope recipient and the raw MIME it sent).
// State is keyed per credential, so tests running in parallel never see each other's traffic.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { failureBody, type Provider as ChatProvider } from "./provider-errors.ts";

type Provider = ChatProvider | "mailgun";

export interface RecordedRequest {
  provider: Provider;
  key: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  at: string;
  /** Mailgun only: what the form carried, decoded. */
  mail?: { to: string; message: string };
}

export interface ProvidersDouble {
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface Reply {
  status: number;
  /** JSON, or a string sent as text/plain (Mailgun answers a wrong key with a bare "Forbidden"). */
  body: unknown;
  record?: Pick<RecordedRequest, "mail">;
}

const MAX_RECORDED = 20_000;

export async function startProvidersDouble(opts: { port?: number; acceptAnyCredentials?: boolean } = {}): Promise<ProvidersDouble> {
  const accounts = new Map<string, string>();
  const failures = new Map<string, { status: number; remaining: number }>();
  const requests: RecordedRequest[] = [];
  const id = (p: Provider, key: string) => `${p}:${key}`;
  const known = (p: Provider, key: string, secret: string) => opts.acceptAnyCredentials || accounts.get(id(p, key)) === secret;

  function provider(req: IncomingMessage, path: string, body: string, bytes: Buffer): { provider: Provider; key: string; reply: () => Reply | Promise<Reply> } | undefined {
    let m = /^\/whatsapp\/v[0-9.]+\/([^/]+)\/messages$/.exec(path);
    if (m) return { provider: "whatsapp", key: decodeURIComponent(m[1]!), reply: () => whatsapp(req, decodeURIComponent(m![1]!), body) };
    m = /^\/telegram\/bot([^/]+)\/sendMessage$/i.exec(path);
    if (m) return { provider: "telegram", key: decodeURIComponent(m[1]!), reply: () => telegram(req, decodeURIComponent(m![1]!), body) };
    m = /^\/twilio\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (m) return { provider: "twilio", key: decodeURIComponent(m[1]!), reply: () => twilio(req, decodeURIComponent(m![1]!), body) };
    m = /^\/mailgun\/v3\/([^/]+)\/messages\.mime$/.exec(path);
    if (m) return { provider: "mailgun", key: decodeURIComponent(m[1]!), reply: () => mailgun(req, decodeURIComponent(m![1]!), bytes) };
    return undefined;
  }

  function whatsapp(req: IncomingMessage, phoneNumberId: string, raw: string): Reply {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token || (!opts.acceptAnyCredentials && ![...accounts.entries()].some(([k, v]) => k.startsWith("whatsapp:") && v === token))) {
      return { status: 401, body: graphError(190, "Invalid OAuth access token - Cannot parse access token", "OAuthException") };
    }
    if (!known("whatsapp", phoneNumberId, token)) {
      return { status: 400, body: graphError(100, `Unsupported post request. Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`, "GraphMethodException", 33) };
    }
    const msg = parseJson(raw);
    if (msg?.messaging_product !== "whatsapp") return { status: 400, body: graphError(100, "(#100) The parameter messaging_product is required.", "OAuthException") };
    if (typeof msg.to !== "string" || !msg.to) return { status: 400, body: graphError(100, "(#100) The parameter to is required.", "OAuthException") };
    if (msg.type === "text" && typeof (msg.text as { body?: unknown } | undefined)?.body !== "string") {
      return { status: 400, body: graphError(100, "(#100) The parameter text['body'] is required.", "OAuthException") };
    }
    const wamid = `wamid.${randomBytes(24).toString("base64")}`;
    return { status: 200, body: { messaging_product: "whatsapp", contacts: [{ input: msg.to, wa_id: msg.to.replace(/^\+/, "") }], messages: [{ id: wamid }] } };
  }

  const chatCounters = new Map<string, number>();
  function telegram(req: IncomingMessage, token: string, raw: string): Reply {
    if (!known("telegram", token, "")) return { status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } };
    // The Bot API takes JSON, urlencoded or multipart parameters alike.
    const params = (req.headers["content-type"] ?? "").includes("json") ? (parseJson(raw) ?? {}) : Object.fromEntries(new URLSearchParams(raw));
    const chatId = params.chat_id;
    const text = typeof params.text === "string" ? params.text : "";
    if (chatId === undefined || chatId === "") return { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: chat_id is empty" } };
    if (!text.trim()) return { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: message text is empty" } };
    if (text.length > 4096) return { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: message is too long" } };
    const chatKey = `${token}:${chatId}`;
    const messageId = (chatCounters.get(chatKey) ?? 0) + 1;
    chatCounters.set(chatKey, messageId);
    const botId = Number(token.split(":")[0]);
    const chat = typeof chatId === "number" || /^-?[0-9]+$/.test(String(chatId)) ? { id: Number(chatId), type: "private" } : { id: -100_000_000_001, type: "channel", username: String(chatId).replace(/^@/, "") };
    return {
      status: 200,
      body: { ok: true, result: { message_id: messageId, from: { id: botId, is_bot: true, first_name: "Parley Test Bot", username: "parley_test_bot" }, chat, date: Math.floor(Date.now() / 1000), text } },
    };
  }

  function twilio(req: IncomingMessage, sid: string, raw: string): Reply {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const [user, pass] = basic ? Buffer.from(basic, "base64").toString("utf8").split(/:(.*)/s) : [];
    if (!user || user !== sid || pass === undefined || !known("twilio", sid, pass)) {
      return { status: 401, body: { code: 20003, message: "Authenticate", more_info: "https://www.twilio.com/docs/errors/20003", status: 401 } };
    }
    const form = new URLSearchParams(raw);
    const missing = (code: number, message: string) => ({ status: 400, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 } });
    if (!form.get("To")) return missing(21604, "A 'To' phone number is required.");
    if (!form.get("From") && !form.get("MessagingServiceSid")) return missing(21603, "A 'From' phone number is required.");
    if (!form.get("Body") && !form.get("MediaUrl")) return missing(21602, "Message body is required.");
    if ((form.get("Body") ?? "").length > 1600) return missing(21617, "The concatenated message body exceeds the 1600 character limit.");
    const messageSid = `SM${randomBytes(16).toString("hex")}`;
    const now = new Date().toUTCString().replace("GMT", "+0000");
    return {
      status: 201,
      body: {
        account_sid: sid, api_version: "2010-04-01", body: form.get("Body"), date_created: now, date_sent: null, date_updated: now, direction: "outbound-api",
        error_code: null, error_message: null, from: form.get("From"), messaging_service_sid: form.get("MessagingServiceSid"), num_media: "0", num_segments: "1",
        price: null, price_unit: "USD", sid: messageSid, status: "queued", to: form.get("To"),
        subresource_uris: { media: `/2010-04-01/Accounts/${sid}/Messages/${messageSid}/Media.json` }, uri: `/2010-04-01/Accounts/${sid}/Messages/${messageSid}.json`,
      },
    };
  }

  async function mailgun(req: IncomingMessage, domain: string, bytes: Buffer): Promise<Reply> {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const [user, key] = basic ? Buffer.from(basic, "base64").toString("utf8").split(/:(.*)/s) : [];
    // Mailgun keys are per account, and an account only sends for its own domains: both answer 401.
    if (user !== "api" || key === undefined || !known("mailgun", domain, key)) return { status: 401, body: "Forbidden" };
    const contentType = req.headers["content-type"] ?? "";
    if (!contentType.startsWith("multipart/form-data")) return { status: 400, body: { message: "message parameter is missing" } };
    let form: FormData;
    try {
      // The same multipart parser fetch uses, so the double reads the form exactly as sent.
      form = await new Request("http://double.local/", { method: "POST", headers: { "content-type": contentType }, body: bytes }).formData();
    } catch {
      return { status: 400, body: { message: "Invalid multipart body" } };
    }
    const to = form.get("to");
    const message = form.get("message");
    if (typeof to !== "string" || !to.trim()) return { status: 400, body: { message: "to parameter is missing" } };
    if (message === null) return { status: 400, body: { message: "message parameter is missing" } };
    if (typeof message === "string") return { status: 400, body: { message: "'message' parameter is not a file" } };
    if (!to.split(",").every((a) => /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(a.replace(/^.*<|>.*$/g, "").trim()))) {
      return { status: 400, body: { message: "'to' parameter is not a valid address. please check documentation" } };
    }
    const mime = await message.text();
    const headerBlock = mime.split(/\r?\n\r?\n/, 1)[0] ?? "";
    // Mailgun keeps a Message-ID the MIME already has and answers with it; otherwise it makes one.
    const own = /^Message-ID:[ \t]*(<[^>\r\n]+>)/im.exec(headerBlock)?.[1];
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const id = own ?? `<${stamp}.${randomBytes(8).toString("hex")}@${domain}>`;
    return { status: 200, body: { id, message: "Queued. Thank you." }, record: { mail: { to, message: mime } } };
  }

  function control(req: IncomingMessage, url: URL, raw: string): Reply {
    const body = parseJson(raw) ?? {};
    if (req.method === "PUT" && url.pathname === "/_control/accounts") {
      accounts.set(id(body.provider as Provider, String(body.key)), typeof body.secret === "string" ? body.secret : "");
      return { status: 204, body: undefined };
    }
    if (req.method === "POST" && url.pathname === "/_control/fail") {
      failures.set(id(body.provider as Provider, String(body.key)), { status: Number(body.status), remaining: Number(body.count ?? 1) });
      return { status: 204, body: undefined };
    }
    if (req.method === "GET" && url.pathname === "/_control/requests") {
      const p = url.searchParams.get("provider");
      const key = url.searchParams.get("key");
      return { status: 200, body: requests.filter((r) => (!p || r.provider === p) && (!key || r.key === key)) };
    }
    return { status: 404, body: { error: "unknown control route" } };
  }

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString("utf8");
    const url = new URL(req.url ?? "/", "http://double.local");
    if (url.pathname.startsWith("/_control/")) return send(res, control(req, url, raw));
    const target = req.method === "POST" ? provider(req, url.pathname, raw, bytes) : undefined;
    if (!target) return send(res, { status: 404, body: { error: "Not Found" } });
    // Injected failures stand for an outage or throttling: they come before any credential check.
    const failure = failures.get(id(target.provider, target.key));
    let reply: Reply;
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      reply = { status: failure.status, body: target.provider === "mailgun" ? mailgunFailure(failure.status) : failureBody(target.provider, failure.status) };
    } else {
      reply = await target.reply();
    }
    if (requests.length >= MAX_RECORDED) requests.shift();
    requests.push({ provider: target.provider, key: target.key, method: req.method!, path: url.pathname, headers: flatHeaders(req), body: raw, status: reply.status, at: new Date().toISOString(), ...reply.record });
    send(res, reply);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Mailgun's error answers: `{message}` JSON, except the bare text it gives a wrong key. */
function mailgunFailure(status: number): unknown {
  if (status === 401) return "Forbidden";
  if (status === 429) return { message: "Too many requests" };
  if (status >= 500) return { message: "Internal Server Error" };
  if (status === 404) return { message: "Domain not found" };
  return { message: "'to' parameter is not a valid address. please check documentation" };
}

function graphError(code: number, message: string, type: string, subcode?: number) {
  return { error: { message, type, code, ...(subcode && { error_subcode: subcode }), fbtrace_id: randomBytes(8).toString("base64url") } };
}

function parseJson(raw: string): Record<string, any> | undefined {
  try {
    const v = JSON.parse(raw);
    return v && typeof v === "object" ? v : undefined;
  } catch {
    return undefined;
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") out[k] = v;
  return out;
}

function send(res: ServerResponse, reply: Reply) {
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  if (typeof reply.body === "string") {
    res.writeHead(reply.status, { "content-type": "text/plain; charset=utf-8" }).end(reply.body);
    return;
  }
  res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
}
