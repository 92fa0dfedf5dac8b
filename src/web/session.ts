import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { sha256Hex } from "../lib/crypto";
import { tenantOfToken } from "../lib/tenant-token";
import type { AppEnv } from "../routes/hono-env";

type C = Context<AppEnv>;

/** Matches the absolute lifetime of a web session in the database; the server re-checks it anyway. */
export const SESSION_MAX_AGE = 14 * 24 * 60 * 60;
const FLASH_MAX_AGE = 60;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function requestUrl(c: C): URL {
  return new URL(c.req.url);
}

/**
 * Cookies are Secure everywhere except plain-http local development, where browsers would drop them.
 * Any other http origin still gets Secure: better a broken login than a session sent in clear.
 */
export function cookieSecure(c: C): boolean {
  const url = requestUrl(c);
  return !(url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname));
}

/** `__Host-` binds a cookie to this exact origin: no subdomain can set or shadow it. Needs https. */
export function hostCookieName(c: C, name: string): string {
  return requestUrl(c).protocol === "https:" ? `__Host-${name}` : name;
}

const sessionCookieName = (c: C) => hostCookieName(c, "parley_session");

export function baseCookieOptions(c: C): CookieOptions {
  return { path: "/", httpOnly: true, secure: cookieSecure(c) };
}

export function setSessionCookie(c: C, token: string): void {
  // Lax, not Strict: following a link to /app from an email or another site should keep you signed in.
  // State-changing requests are guarded by the CSRF check, not by SameSite alone.
  setCookie(c, sessionCookieName(c), token, { ...baseCookieOptions(c), sameSite: "Lax", maxAge: SESSION_MAX_AGE });
}

export function clearSessionCookie(c: C): void {
  deleteCookie(c, sessionCookieName(c), { ...baseCookieOptions(c), sameSite: "Lax" });
}

export function readSessionCookie(c: C): string | undefined {
  return getCookie(c, sessionCookieName(c)) || undefined;
}

/**
 * Points the request's service context at the session named by the cookie. This only *claims* an
 * identity: the token's tenant opens the RLS scope, and access.ts re-checks the hash against live,
 * unrevoked, unexpired web sessions of active members in every service call.
 */
export async function attachSession(c: C): Promise<boolean> {
  const token = readSessionCookie(c);
  const tenantId = token ? tenantOfToken("rt", token) : undefined;
  if (!token || !tenantId) return false;
  const ctx = c.get("ctx");
  ctx.tenantId = tenantId;
  ctx.actor = { type: "webSession", tokenHash: await sha256Hex(token) };
  return true;
}

/** A one-shot message for the page a redirect lands on (e.g. the invitation link, shown once). */
export type Flash = { kind: "invited"; email: string; url: string } | { kind: "contact"; name: string };

export function setFlash(c: C, flash: Flash): void {
  // HttpOnly and short-lived: it can carry a one-time invitation link, which must not linger or be scriptable.
  setCookie(c, "parley_flash", JSON.stringify(flash), { ...baseCookieOptions(c), path: "/app", sameSite: "Strict", maxAge: FLASH_MAX_AGE });
}

export function takeFlash(c: C): Flash | undefined {
  const raw = getCookie(c, "parley_flash");
  if (!raw) return undefined;
  deleteCookie(c, "parley_flash", { ...baseCookieOptions(c), path: "/app", sameSite: "Strict" });
  try {
    const value = JSON.parse(raw) as Partial<Flash>;
    if (value.kind === "invited" && typeof value.email === "string" && typeof value.url === "string") return value as Flash;
    if (value.kind === "contact" && typeof value.name === "string") return value as Flash;
  } catch {
    // a mangled cookie is just ignored
  }
  return undefined;
}

/** For pages behind sign-in: wires the session, or sends the visitor to log in (dropping a malformed cookie). */
export async function requireSession(c: C): Promise<Response | undefined> {
  if (await attachSession(c)) return undefined;
  if (readSessionCookie(c)) clearSessionCookie(c);
  return c.redirect("/login", 303);
}
