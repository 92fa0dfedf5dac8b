/**
 * Inbound webhook authentication for every channel Parley accepts.
 *
 * Everything here runs on Web Crypto alone so it works unchanged in workerd and in Node tests.
 * Body signatures are always computed over the RAW request bytes: re-serialising parsed JSON
 * changes whitespace, key order and unicode escapes, and the HMAC then never matches.
 * Every verifier answers a plain boolean and never throws on attacker-controlled input.
 */

export type RawBody = ArrayBuffer | Uint8Array;
/** Twilio form parameters, either as received or as a plain record (repeated names as arrays). */
export type TwilioParams = URLSearchParams | Record<string, string | readonly string[]>;

const encoder = new TextEncoder();

type SubtleWithTimingSafeEqual = SubtleCrypto & { timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean };

/**
 * Constant-time equality. Lengths are treated as public: callers only compare fixed-size digests.
 * workerd ships `crypto.subtle.timingSafeEqual`; Node does not, hence the XOR-accumulate fallback,
 * which touches every byte whatever the first difference is.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const subtle = crypto.subtle as SubtleWithTimingSafeEqual;
  if (typeof subtle.timingSafeEqual === "function") return subtle.timingSafeEqual(a, b);
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Web Crypto only takes ArrayBuffer-backed input and a Uint8Array may sit on a SharedArrayBuffer
 * (and is typed so by workers-types), so views are copied (bodies are small); a plain ArrayBuffer
 * is wrapped as is.
 */
function toBytes(data: RawBody | string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(typeof data === "string" ? encoder.encode(data) : data);
}

async function hmac(hash: "SHA-256" | "SHA-1", secret: string, data: RawBody | string): Promise<Uint8Array> {
  // Signing with an empty key is a configuration bug; verifiers reject it before getting here.
  if (!secret) throw new Error("webhook signing secret must not be empty");
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, toBytes(data)));
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Strict hex decoding: odd length or any non-hex character yields null instead of a partial parse. */
function fromHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Canonical padded base64 only (what Twilio sends); atob alone would also take unpadded or spaced input. */
function fromBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  try {
    const bin = atob(text);
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Shared shape of Meta's and Parley's headers: `sha256=<64 hex chars>` over the raw body.
 * An empty secret is refused outright: HMAC with an empty key is computable by anyone, so a
 * missing configuration value must never turn into "every signature verifies".
 */
async function verifySha256Header(rawBody: RawBody, header: string | null | undefined, secret: string): Promise<boolean> {
  if (!secret || typeof header !== "string" || !header.startsWith("sha256=")) return false;
  const given = fromHex(header.slice("sha256=".length));
  if (!given || given.byteLength !== 32) return false;
  return constantTimeEqual(given, await hmac("SHA-256", secret, rawBody));
}

/** WhatsApp Cloud API: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, app secret)>`. */
export function verifyMetaSignature(rawBody: RawBody, header: string | null | undefined, appSecret: string): Promise<boolean> {
  return verifySha256Header(rawBody, header, appSecret);
}

/**
 * Telegram echoes the `secret_token` given to setWebhook in `X-Telegram-Bot-Api-Secret-Token`.
 * Both sides are hashed first so the comparison is fixed-length and leaks nothing about the
 * secret's length, which a direct byte comparison with an early length check would.
 */
export async function verifyTelegramSecret(headerValue: string | null | undefined, secretToken: string): Promise<boolean> {
  if (!secretToken || typeof headerValue !== "string" || headerValue.length === 0) return false;
  const [given, expected] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(headerValue)),
    crypto.subtle.digest("SHA-256", encoder.encode(secretToken)),
  ]);
  return constantTimeEqual(new Uint8Array(given), new Uint8Array(expected));
}

function paramEntries(params: TwilioParams): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const add = (name: string, value: string) => map.set(name, [...(map.get(name) ?? []), value]);
  if (params instanceof URLSearchParams) for (const [name, value] of params) add(name, value);
  else for (const [name, value] of Object.entries(params)) for (const v of typeof value === "string" ? [value] : value) add(name, v);
  return map;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Twilio's documented scheme: full URL (query string included), then every POST parameter as
 * name+value with no delimiters, sorted by name; HMAC-SHA1 keyed by the auth token, base64.
 * Repeated names contribute each value, sorted and de-duplicated exactly as the official helper
 * libraries (twilio-node, twilio-python) do, so both sides build the same string.
 */
export async function twilioSignature(url: string, params: TwilioParams, authToken: string): Promise<string> {
  let data = url;
  const entries = paramEntries(params);
  for (const name of [...entries.keys()].sort(byCodeUnit)) {
    for (const value of [...new Set(entries.get(name))].sort(byCodeUnit)) data += name + value;
  }
  return toBase64(await hmac("SHA-1", authToken, data));
}

/**
 * Twilio's back end is inconsistent about whether a standard port appears in the signed URL, so
 * its helper libraries accept the URL as given, without its port, and with the scheme's default
 * port made explicit. We do the same; every variant still requires the auth-token HMAC.
 */
function twilioUrlVariants(url: string): string[] {
  const variants = [url];
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return variants;
  }
  const defaultPort = u.protocol === "https:" ? "443" : u.protocol === "http:" ? "80" : "";
  const userinfo = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ""}@` : "";
  const build = (port: string) => `${u.protocol}//${userinfo}${u.hostname}${port ? `:${port}` : ""}${u.pathname}${u.search}${u.hash}`;
  for (const candidate of [build(""), build(u.port || defaultPort)]) if (!variants.includes(candidate)) variants.push(candidate);
  return variants;
}

/** Checks `X-Twilio-Signature`; `url` must be the public URL Twilio called, not the one behind a proxy. */
export async function verifyTwilioSignature(url: string, params: TwilioParams, header: string | null | undefined, authToken: string): Promise<boolean> {
  if (!authToken || typeof header !== "string") return false;
  const given = fromBase64(header);
  if (!given || given.byteLength !== 20) return false;
  let ok = false;
  for (const candidate of twilioUrlVariants(url)) {
    const expected = fromBase64(await twilioSignature(candidate, params, authToken));
    // No short-circuit: every variant is checked so timing does not reveal which one matched.
    if (expected && constantTimeEqual(given, expected)) ok = true;
  }
  return ok;
}

/** Value for `X-Parley-Signature` on Parley's own API channel: `sha256=<hex HMAC-SHA256(raw body)>`. */
export async function parleySignature(rawBody: RawBody, secret: string): Promise<string> {
  return `sha256=${toHex(await hmac("SHA-256", secret, rawBody))}`;
}

export function verifyParleySignature(rawBody: RawBody, header: string | null | undefined, secret: string): Promise<boolean> {
  return verifySha256Header(rawBody, header, secret);
}
