import { env } from "cloudflare:test";
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, importJWK, type JWK } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { base64url } from "../src/lib/crypto";
import { call, createTenant, expectError, expectStatus, type TenantHandle } from "./harness";

const ourKey = () => (JSON.parse(env.JWT_SIGNING_KEYS) as JWK[])[0]!;
const enc = (o: unknown) => base64url(new TextEncoder().encode(JSON.stringify(o)));

async function forge(t: TenantHandle, opts: { key?: CryptoKey | Uint8Array; alg?: string; kid?: string; typ?: string | null; iss?: string; aud?: string; iat?: number; exp?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const key = opts.key ?? ((await importJWK({ ...ourKey(), alg: "ES256" }, "ES256")) as CryptoKey);
  const header: Record<string, string> = { alg: opts.alg ?? "ES256", kid: opts.kid ?? ourKey().kid! };
  if (opts.typ !== null) header.typ = opts.typ ?? "at+jwt";
  return new SignJWT({ tid: t.id, sid: t.owner.sessionId })
    .setProtectedHeader(header as never)
    .setSubject(t.owner.userId)
    .setIssuer(opts.iss ?? env.JWT_ISSUER)
    .setAudience(opts.aud ?? env.JWT_AUDIENCE)
    .setIssuedAt(opts.iat ?? now)
    .setExpirationTime(opts.exp ?? now + 600)
    .sign(key);
}

describe("access token attacks", () => {
  let t: TenantHandle;
  beforeEach(async () => {
    t = await createTenant();
  });

  it("accepts a correctly forged token with the real key (control: the attacks below differ in one thing)", async () => {
    expectStatus(await call("GET", "/v1/me", { token: await forge(t) }), 200);
  });

  it("rejects alg: none", async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { sub: t.owner.userId, tid: t.id, sid: t.owner.sessionId, iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE, iat: now, exp: now + 600 };
    for (const token of [`${enc({ alg: "none", typ: "at+jwt", kid: ourKey().kid })}.${enc(payload)}.`, `${enc({ alg: "none", typ: "at+jwt" })}.${enc(payload)}.`]) {
      expectError(await call("GET", "/v1/me", { token }), 401, "UNAUTHORIZED");
    }
  });

  it("rejects HS256 signed with the public key (algorithm confusion)", async () => {
    const { d: _d, ...publicJwk } = ourKey();
    const pem = await exportSPKI((await importJWK({ ...publicJwk, alg: "ES256" }, "ES256")) as CryptoKey);
    for (const secret of [JSON.stringify(publicJwk), pem]) {
      const token = await forge(t, { alg: "HS256", key: new TextEncoder().encode(secret) });
      expectError(await call("GET", "/v1/me", { token }), 401, "UNAUTHORIZED");
    }
  });

  it("rejects an unknown kid, and an attacker's key under our kid", async () => {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    expectError(await call("GET", "/v1/me", { token: await forge(t, { key: privateKey, kid: "attacker-key" }) }), 401);
    expectError(await call("GET", "/v1/me", { token: await forge(t, { key: privateKey }) }), 401);
    expect((await exportJWK(privateKey)).kty).toBe("EC");
  });

  it("rejects the wrong audience or issuer", async () => {
    expectError(await call("GET", "/v1/me", { token: await forge(t, { aud: "someone-else" }) }), 401);
    expectError(await call("GET", "/v1/me", { token: await forge(t, { iss: "https://evil.example" }) }), 401);
  });

  it("rejects an expired token, and one minted with a lifetime over 15 minutes ago", async () => {
    const now = Math.floor(Date.now() / 1000);
    expectError(await call("GET", "/v1/me", { token: await forge(t, { iat: now - 3600, exp: now - 60 }) }), 401);
    expectError(await call("GET", "/v1/me", { token: await forge(t, { iat: now - 20 * 60, exp: now + 3600 }) }), 401);
  });

  it("rejects a token without the pinned typ", async () => {
    expectError(await call("GET", "/v1/me", { token: await forge(t, { typ: null }) }), 401);
    expectError(await call("GET", "/v1/me", { token: await forge(t, { typ: "JWT" }) }), 401);
  });

  it("rejects a refresh token used as an access token", async () => {
    expectError(await call("GET", "/v1/me", { token: t.owner.refreshToken }), 401, "UNAUTHORIZED");
  });

  it("rejects a token whose signature was altered by one character", async () => {
    const token = t.owner.token;
    const last = token.at(-2) === "A" ? "B" : "A";
    expectError(await call("GET", "/v1/me", { token: token.slice(0, -2) + last + token.at(-1) }), 401);
  });
});
