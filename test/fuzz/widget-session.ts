// Starting a web chat session as the widget does: a new visitor first solves the server's
// proof-of-work challenge (src/services/webchat/proof-of-work.ts); a returning one renews with its token.
import { createHash } from "node:crypto";
import { expect } from "vitest";
import { call, expectStatus, type Res } from "../harness";

function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const b of bytes) {
    if (b === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}

/** The nonce the widget would find (synchronous hashing: fast enough for tests). */
export function solveChallenge(challenge: string, difficulty: number): string {
  for (let n = 0; ; n++) {
    if (leadingZeroBits(createHash("sha256").update(`${challenge}.${n}`).digest()) >= difficulty) return String(n);
  }
}

/** The challenge a 401 from `/session` carries in WWW-Authenticate. */
export function challengeOf(res: Res): { challenge: string; difficulty: number } {
  const m = /challenge="([^"]+)", difficulty="(\d+)"/.exec(res.headers.get("www-authenticate") ?? "");
  expect(m, `no challenge in ${res.status} ${res.text}`).not.toBeNull();
  return { challenge: m![1]!, difficulty: Number(m![2]) };
}

/** POST `<base>/session` (with `token` to renew), solving the challenge when the server asks for one. */
export async function startWidgetSession(base: string, opts: { origin: string; token?: string; ip?: string }) {
  const headers = { origin: opts.origin, ...(opts.token && { authorization: `Bearer ${opts.token}` }) };
  let res = await call("POST", `${base}/session`, { headers, ip: opts.ip });
  if (res.status === 401) {
    const { challenge, difficulty } = challengeOf(res);
    res = await call("POST", `${base}/session`, { headers: { origin: opts.origin }, ip: opts.ip, body: { challenge, nonce: solveChallenge(challenge, difficulty) } });
  }
  expectStatus(res, 201);
  return res.body as { visitor_id: string; token: string; expires_at: string };
}

/** The subprotocols a browser offers on a live socket: the token rides there, never in the URL. */
export const visitorProtocols = (token: string) => `parley.v1, visitor.${token}`;
export const bearerProtocols = (token: string) => `parley.v1, bearer.${token}`;
