import type { AppConfig } from "../../env";
import { base64url, fromBase64url, randomToken } from "../../lib/crypto";
import { AppError } from "../../lib/errors";

/** How long a visitor token lets the widget send and listen before it must be renewed. */
export const VISITOR_TOKEN_TTL_S = 24 * 3600;
/** How long after expiry an authentic token may still be renewed for the same visitor (their thread). */
export const VISITOR_RENEW_WINDOW_S = 30 * 24 * 3600;

const encoder = new TextEncoder();
const VISITOR_ID = /^wv_[A-Za-z0-9_-]{22}$/;
const TOKEN = /^v1\.(wv_[A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export interface VisitorToken {
  visitorId: string;
  /** Epoch seconds. */
  expiresAt: number;
}

export interface WidgetChannelRef {
  tenantId: string;
  channelId: string;
}

export type KeyConfig = Pick<AppConfig, "WIDGET_SIGNING_KEY" | "JWT_SIGNING_KEYS" | "ENVIRONMENT">;

/**
 * One HMAC key per channel, derived with HKDF from the Worker secret: a token minted for one channel
 * (or tenant) never verifies on another, and no per-channel secret has to be stored or rotated.
 * Development and test fall back to the JWT keys (domain-separated by the HKDF salt) so a local stack
 * needs no extra secret; production refuses to run the widget without its own.
 */
async function channelKey(config: KeyConfig, ref: WidgetChannelRef): Promise<CryptoKey> {
  return channelHmacKey(config, ref, "parley/webchat-visitor-token/v1");
}

/** The per-channel HMAC key for one purpose (the salt keeps purposes apart: a challenge is never a token). */
export async function channelHmacKey(config: KeyConfig, ref: WidgetChannelRef, salt: string): Promise<CryptoKey> {
  const secret = config.WIDGET_SIGNING_KEY ?? (config.ENVIRONMENT === "production" ? undefined : config.JWT_SIGNING_KEYS);
  if (!secret) throw new AppError("UNAVAILABLE", "Web chat is not configured on this server");
  const ikm = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode(salt), info: encoder.encode(`${ref.tenantId}/${ref.channelId}`) },
    ikm,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign", "verify"],
  );
}

const signedPart = (ref: WidgetChannelRef, visitorId: string, expiresAt: number) => encoder.encode(`v1.${ref.tenantId}/${ref.channelId}.${visitorId}.${expiresAt}`);

export const newVisitorId = () => `wv_${randomToken(16)}`;

/**
 * `v1.<visitor id>.<expiry, epoch s>.<HMAC-SHA256>`: stateless, so minting one stores nothing.
 *
 * @example
 *   const { token } = await mintVisitorToken(ctx.config, { tenantId, channelId }, newVisitorId());
 */
export async function mintVisitorToken(config: KeyConfig, ref: WidgetChannelRef, visitorId: string, now = Date.now()): Promise<VisitorToken & { token: string }> {
  if (!VISITOR_ID.test(visitorId)) throw new Error("malformed visitor id");
  const expiresAt = Math.floor(now / 1000) + VISITOR_TOKEN_TTL_S;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await channelKey(config, ref), signedPart(ref, visitorId, expiresAt)));
  return { visitorId, expiresAt, token: `v1.${visitorId}.${expiresAt}.${base64url(mac)}` };
}

/**
 * The token's visitor when its MAC verifies for this channel (crypto.subtle.verify compares in constant
 * time). `graceS` accepts tokens expired at most that long ago: only session renewal passes it.
 */
export async function verifyVisitorToken(config: KeyConfig, ref: WidgetChannelRef, token: string | undefined, opts: { now?: number; graceS?: number } = {}): Promise<VisitorToken | undefined> {
  const m = token ? TOKEN.exec(token) : null;
  if (!m) return undefined;
  const visitorId = m[1]!;
  const expiresAt = Number(m[2]);
  const ok = await crypto.subtle.verify("HMAC", await channelKey(config, ref), fromBase64url(m[3]!), signedPart(ref, visitorId, expiresAt));
  if (!ok) return undefined;
  const nowS = Math.floor((opts.now ?? Date.now()) / 1000);
  if (expiresAt + (opts.graceS ?? 0) <= nowS) return undefined;
  return { visitorId, expiresAt };
}
