import type { AppConfig } from "../../env";
import { base64url, fromBase64url } from "../../lib/crypto";
import { AppError } from "../../lib/errors";

/**
 * Channel credentials at rest: AES-256-GCM under a key from CREDENTIALS_KEYS, with a random 96-bit IV
 * per encryption. The additional authenticated data is `${tenantId}:${channelId}`, so a ciphertext
 * copied onto another channel's row (or another tenant's) fails authentication instead of decrypting.
 *
 * Stored form: `credentials_ciphertext` = base64url(IV ‖ ciphertext ‖ tag), `credentials_key_id` = kid.
 * Rotation: put a new key first in CREDENTIALS_KEYS (it encrypts from then on), re-save the channels'
 * credentials, then drop the old key.
 */
export type CredentialsConfig = Pick<AppConfig, "CREDENTIALS_KEYS">;
export type Credentials = Record<string, string>;

interface KeyRing {
  primary: string;
  keys: Map<string, CryptoKey>;
}

const IV_BYTES = 12;
// Key ids must start with a letter: JSON.parse orders integer-like keys numerically, which would make
// "first entry encrypts" silently pick a different key than the operator wrote first.
const KEY_ID = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const encoder = new TextEncoder();

let cached: { raw: string; ring: KeyRing } | undefined;

const unavailable = (message: string) => new AppError("UNAVAILABLE", message);

async function importRing(raw: string): Promise<KeyRing> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw unavailable("CREDENTIALS_KEYS must be a JSON object of key id to base64 key");
  const keys = new Map<string, CryptoKey>();
  for (const [kid, value] of Object.entries(parsed as Record<string, unknown>)) {
    // Name the key id, never the key material.
    if (!KEY_ID.test(kid)) throw unavailable(`CREDENTIALS_KEYS: key id "${kid.slice(0, 64)}" must start with a letter (letters, digits, _ . -)`);
    let bytes: Uint8Array;
    try {
      bytes = fromBase64url(String(value).replace(/=+$/, ""));
    } catch {
      bytes = new Uint8Array();
    }
    if (bytes.byteLength !== 32) throw unavailable(`CREDENTIALS_KEYS: key "${kid}" must be 32 bytes, base64-encoded`);
    keys.set(kid, await crypto.subtle.importKey("raw", bytes, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]));
  }
  const primary = keys.keys().next().value;
  if (!primary) throw unavailable("CREDENTIALS_KEYS holds no keys");
  return { primary, keys };
}

async function keyRing(config: CredentialsConfig): Promise<KeyRing> {
  const raw = config.CREDENTIALS_KEYS;
  if (!raw) throw unavailable("Channel credentials cannot be stored or read: the server has no CREDENTIALS_KEYS configured");
  if (cached?.raw === raw) return cached.ring;
  const ring = await importRing(raw);
  cached = { raw, ring };
  return ring;
}

/** The AAD that binds a ciphertext to its row. */
export const credentialsAad = (tenantId: string, channelId: string) => `${tenantId}:${channelId}`;

/**
 * Encrypts a channel's credentials with the first key of CREDENTIALS_KEYS.
 *
 * @example
 *   const { ciphertext, keyId } = await encryptCredentials(ctx.config, credentialsAad(tenantId, id), { bot_token });
 */
export async function encryptCredentials(config: CredentialsConfig, aad: string, value: Credentials): Promise<{ ciphertext: string; keyId: string }> {
  const ring = await keyRing(config);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(aad) }, ring.keys.get(ring.primary)!, encoder.encode(JSON.stringify(value)));
  const out = new Uint8Array(IV_BYTES + sealed.byteLength);
  out.set(iv);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return { ciphertext: base64url(out), keyId: ring.primary };
}

/**
 * Decrypts what `encryptCredentials` produced for the same AAD. Throws UNAVAILABLE when the key is not
 * configured (an operator can fix that, so callers may retry) and INTERNAL when authentication fails
 * (wrong key, tampered ciphertext, or a ciphertext that belongs to another channel).
 */
export async function decryptCredentials(config: CredentialsConfig, aad: string, ciphertext: string, keyId: string): Promise<Credentials> {
  const ring = await keyRing(config);
  const key = ring.keys.get(keyId);
  if (!key) throw unavailable(`Channel credentials are encrypted with key "${keyId}", which CREDENTIALS_KEYS no longer holds`);
  let plain: ArrayBuffer;
  try {
    const bytes = fromBase64url(ciphertext);
    plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.subarray(0, IV_BYTES), additionalData: encoder.encode(aad) }, key, bytes.subarray(IV_BYTES));
  } catch {
    throw new AppError("INTERNAL", "Channel credentials failed to decrypt");
  }
  const value = JSON.parse(new TextDecoder().decode(plain)) as unknown;
  if (!value || typeof value !== "object" || Object.values(value).some((v) => typeof v !== "string")) throw new AppError("INTERNAL", "Channel credentials have an unexpected shape");
  return value as Credentials;
}
