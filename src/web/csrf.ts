import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { randomToken, timingSafeEqual } from "../lib/crypto";
import type { AppEnv } from "../routes/hono-env";
import { baseCookieOptions, hostCookieName } from "./session";

type C = Context<AppEnv>;

/**
 * `__Host-` on https, like the session: a double-submit token is only as good as its cookie's origin,
 * and without the prefix a sibling subdomain could plant a token of its choosing ("cookie tossing").
 */
const csrfCookieName = (c: C) => hostCookieName(c, "parley_csrf");
export const CSRF_FIELD = "_csrf";
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Double-submit token: a random value in a cookie that only this origin can read back into a form.
 * A cross-site page can make the browser send the cookie, but cannot learn it to fill in `_csrf`.
 * Kept stable across page views (so several tabs work) and replaced whenever the sign-in changes.
 */
export function ensureCsrfToken(c: C): string {
  const existing = getCookie(c, csrfCookieName(c));
  if (existing && TOKEN_SHAPE.test(existing)) return existing;
  return rotateCsrfToken(c);
}

export function rotateCsrfToken(c: C): string {
  const token = randomToken(32);
  // Strict: the cookie never rides along on a request another site starts.
  setCookie(c, csrfCookieName(c), token, { ...baseCookieOptions(c), sameSite: "Strict" });
  return token;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * Browsers always say where a POST comes from (Origin, else Referer, plus Sec-Fetch-Site); when they
 * do, it must be this very origin. Layouts set `<meta name="referrer" content="same-origin">`, because
 * the site-wide `Referrer-Policy: no-referrer` would otherwise make Chromium send `Origin: null`.
 */
function sameOrigin(c: C): boolean {
  const self = new URL(c.req.url).origin;
  const fetchSite = c.req.header("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") return false;
  const origin = c.req.header("origin");
  if (origin !== undefined) return origin === self;
  const referer = c.req.header("referer");
  if (referer !== undefined) {
    try {
      return new URL(referer).origin === self;
    } catch {
      return false;
    }
  }
  return true;
}

/** True when the POST carries the cookie's token in its `_csrf` field and comes from this origin. */
export async function verifyCsrf(c: C, form: Record<string, string>): Promise<boolean> {
  const cookie = getCookie(c, csrfCookieName(c));
  const field = form[CSRF_FIELD];
  if (!cookie || !field || !sameOrigin(c)) return false;
  // Compare fixed-size digests in constant time, so neither content nor length leaks through timing.
  return timingSafeEqual(await digest(cookie), await digest(field));
}
