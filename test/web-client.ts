// A browser's cookie jar and form posts, enough to drive the server-rendered pages inside workerd without
// a browser: cookies from Set-Cookie are sent back, forms carry the CSRF token, and redirects are answers
// to inspect (the pages use 303s), not to follow.
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { randomIp, type Res, type Session } from "./harness";

const SELF = "https://parley.test";

export class WebClient {
  private cookies = new Map<string, string>();

  private async request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Res> {
    const req = new Request(`${SELF}${path}`, { method, headers: { "cf-connecting-ip": randomIp(), cookie: this.cookieHeader(), ...headers }, body, redirect: "manual" });
    const res = await (exports as unknown as { default: Fetcher }).default.fetch(req);
    const text = await res.text();
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...rest] = pair!.split("=");
      const value = rest.join("=");
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line) || value === "") this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    return { status: res.status, body: undefined, text, headers: res.headers };
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  csrf() {
    return decodeURIComponent(this.cookies.get("__Host-parley_csrf") ?? this.cookies.get("parley_csrf") ?? "");
  }

  /** Sets a cookie as another site on a sibling domain could (cookie tossing), for the CSRF tests. */
  plant(name: string, value: string) {
    this.cookies.set(name, value);
  }

  has(cookie: string) {
    return this.cookies.has(cookie);
  }

  get(path: string) {
    return this.request("GET", path, {});
  }

  /** A same-origin form post; `csrf: false` leaves the token out, as a forged cross-site form would. */
  post(path: string, form: Record<string, string>, opts: { csrf?: boolean } = {}) {
    const body = new URLSearchParams({ ...(opts.csrf === false ? {} : { _csrf: this.csrf() }), ...form }).toString();
    return this.request("POST", path, { "content-type": "application/x-www-form-urlencoded", origin: SELF, "sec-fetch-site": "same-origin" }, body);
  }

  static async signIn(user: Pick<Session, "email" | "password">) {
    const web = new WebClient();
    await web.get("/login");
    const res = await web.post("/login", { email: user.email, password: user.password });
    expect(res.status, res.text).toBe(303);
    return web;
  }
}
