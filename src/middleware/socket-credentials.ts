import type { AppConfig } from "../env";

/**
 * Browsers cannot set headers on a WebSocket, and a token in the URL ends up in proxies' and servers'
 * logs. The one header a page can set is `Sec-WebSocket-Protocol`: the client offers
 * `["parley.v1", "bearer.<token>"]` and the server answers with `parley.v1` alone (a browser drops a
 * connection whose answer is not one it offered). Token characters (base64url and dots) are all valid
 * in a subprotocol name.
 */
export const LIVE_PROTOCOL = "parley.v1";

export function protocolCredential(header: string | undefined, prefix: "bearer" | "visitor"): { token?: string; offered: boolean } {
  const offered = (header ?? "").split(",").map((p) => p.trim()).filter(Boolean);
  const token = offered.find((p) => p.startsWith(`${prefix}.`))?.slice(prefix.length + 1);
  return { token: token || undefined, offered: offered.includes(LIVE_PROTOCOL) };
}

/**
 * Whether a handshake's Origin is Parley's own (PUBLIC_URL, or the request's own origin when that is
 * unset, as in local development). What stops another site's page from opening a socket with the
 * user's cookie (cross-site WebSocket hijacking): browsers always send Origin on a handshake.
 */
export function originMatches(config: Pick<AppConfig, "PUBLIC_URL">, requestUrl: string, origin: string): boolean {
  const own = new URL(config.PUBLIC_URL ?? requestUrl).origin;
  return origin === own;
}
