import { base64url, fromBase64url, randomToken } from "../../lib/crypto";
import { channelHmacKey, type KeyConfig, type WidgetChannelRef } from "./visitor-token";

/**
 * A small proof of work before a *new* visitor gets a session: the widget fetches a signed challenge
 * and finds a nonce whose SHA-256 with it starts with DIFFICULTY_BITS zero bits (about 16 thousand
 * hashes: well under a second in a browser tab, a real cost per identity for a bot minting thousands).
 * It is a speed bump, not a wall: the per-IP session limit, the per-channel inbound cap and the quota
 * rule (inbound never spends what agents may send) are what bound the damage; this makes fresh
 * identities cost CPU on top of IPs. Returning visitors renew with their token and solve nothing.
 *
 * Stateless to issue (`c1.<expiry s>.<random>.<HMAC>`, keyed per channel); each solved challenge is
 * accepted once (the caller records it), and only until it expires.
 */
export const DIFFICULTY_BITS = 14;
export const CHALLENGE_TTL_S = 120;

const SALT = "parley/webchat-session-challenge/v1";
const CHALLENGE = /^c1\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const NONCE = /^[A-Za-z0-9_-]{1,32}$/;
const encoder = new TextEncoder();

const signed = (ref: WidgetChannelRef, expiresAt: number, random: string) => encoder.encode(`c1.${ref.tenantId}/${ref.channelId}.${expiresAt}.${random}`);

export interface Challenge {
  challenge: string;
  difficulty: number;
  expires_at: string;
}

export async function issueChallenge(config: KeyConfig, ref: WidgetChannelRef, now = Date.now()): Promise<Challenge> {
  const expiresAt = Math.floor(now / 1000) + CHALLENGE_TTL_S;
  const random = randomToken(16);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await channelHmacKey(config, ref, SALT), signed(ref, expiresAt, random)));
  return { challenge: `c1.${expiresAt}.${random}.${base64url(mac)}`, difficulty: DIFFICULTY_BITS, expires_at: new Date(expiresAt * 1000).toISOString() };
}

/** Leading zero bits of SHA-256(`<challenge>.<nonce>`). */
export async function workOf(challenge: string, nonce: string): Promise<number> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(`${challenge}.${nonce}`)));
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    bits += Math.clz32(byte) - 24;
    break;
  }
  return bits;
}

/**
 * The challenge's one-time id when it is ours, for this channel, unexpired and solved; undefined
 * otherwise. The caller must still make sure the id is used only once.
 */
export async function verifySolution(config: KeyConfig, ref: WidgetChannelRef, challenge: unknown, nonce: unknown, now = Date.now()): Promise<string | undefined> {
  if (typeof challenge !== "string" || typeof nonce !== "string" || !NONCE.test(nonce)) return undefined;
  const m = CHALLENGE.exec(challenge);
  if (!m) return undefined;
  const expiresAt = Number(m[1]);
  if (expiresAt <= Math.floor(now / 1000)) return undefined;
  const ok = await crypto.subtle.verify("HMAC", await channelHmacKey(config, ref, SALT), fromBase64url(m[3]!), signed(ref, expiresAt, m[2]!));
  if (!ok || (await workOf(challenge, nonce)) < DIFFICULTY_BITS) return undefined;
  return m[2]!;
}
