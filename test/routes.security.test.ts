import { env } from "cloudflare:test";
import { SignJWT, importJWK, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { base64url } from "../src/lib/crypto";
import { call, createHarness, expectError, expectStatus, ownerQuery, tenantSnapshot, type TenantHandle } from "./harness";
import { PROTECTED_ROUTES } from "./protected-routes";

async function expiredToken(t: TenantHandle) {
  const jwk = (JSON.parse(env.JWT_SIGNING_KEYS) as JWK[])[0]!;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tid: t.id, sid: t.owner.sessionId })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: jwk.kid! })
    .setSubject(t.owner.userId)
    .setIssuer(env.JWT_ISSUER)
    .setAudience(env.JWT_AUDIENCE)
    .setIssuedAt(now - 1000)
    .setExpirationTime(now - 100)
    .sign(await importJWK({ ...jwk, alg: "ES256" }, "ES256"));
}

function algNone(t: TenantHandle) {
  const enc = (o: unknown) => base64url(new TextEncoder().encode(JSON.stringify(o)));
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg: "none", typ: "at+jwt" })}.${enc({ sub: t.owner.userId, tid: t.id, sid: t.owner.sessionId, iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE, iat: now, exp: now + 600 })}.`;
}

// The common route tests (CONVENTIONS.md), applied to every protected route.
// Each route gets one pair of workspaces and one built object, shared by its checks: every check but the
// owner's control leaves the object as it was (it is refused), and the checks run in the order written,
// so the control, which may consume the object (a delete, a merge), runs after the refusals, and the
// suspension, which is decided before any object is looked up, runs last.
describe.each(PROTECTED_ROUTES)("$method $path", (route) => {
  let tenant: TenantHandle;
  let foreign: TenantHandle;
  let path: string;
  let body: unknown;
  beforeAll(async () => {
    ({ tenant, foreign } = await createHarness());
    ({ path, body } = await route.build(tenant));
  });

  it("returns 401 without a token", async () => {
    expectError(await call(route.method, path, { body }), 401, "UNAUTHORIZED");
  });

  it("returns 401 for a malformed Authorization header", async () => {
    for (const authorization of ["Bearer", `Basic ${tenant.owner.token}`, `Bearer ${tenant.owner.token} extra`, "Bearer not.a.jwt", "Bearer pk_short"]) {
      expectError(await call(route.method, path, { body, headers: { authorization } }), 401, "UNAUTHORIZED");
    }
  });

  it("returns 401 for an expired token and for alg: none", async () => {
    expectError(await call(route.method, path, { body, token: await expiredToken(tenant) }), 401);
    expectError(await call(route.method, path, { body, token: algNone(tenant) }), 401);
  });

  if (route.targetsObject) {
    it("returns 404 to another tenant's token and changes nothing", async () => {
      const before = [await tenantSnapshot(tenant.id), await tenantSnapshot(foreign.id)];
      expectError(await call(route.method, path, { body, token: foreign.owner.token }), 404, "NOT_FOUND");
      expect([await tenantSnapshot(tenant.id), await tenantSnapshot(foreign.id)]).toEqual(before);
    });
  }

  if (route.deniedRole) {
    it(`returns 403 to the ${route.deniedRole} role`, async () => {
      const user = await tenant.createUser(route.deniedRole!);
      expectError(await call(route.method, path, { body, token: user.token }), 403, "FORBIDDEN");
    });
  }

  it("returns 401 to a member removed after their token was issued", async () => {
    const admin = await tenant.createUser("admin");
    expectStatus(await call("DELETE", `/v1/members/${admin.memberId}`, { token: tenant.owner.token }), 204);
    expectError(await call(route.method, path, { body, token: admin.token }), 401, "UNAUTHORIZED");
  });

  it("succeeds for the owner (control)", async () => {
    const res = await call(route.method, path, { body, token: tenant.owner.token });
    expect([200, 201, 202, 204], res.text).toContain(res.status);
  });

  it("returns 403 when the workspace is suspended", async () => {
    await ownerQuery("update tenants set status = 'suspended' where id = $1", [tenant.id]);
    expectError(await call(route.method, path, { body, token: tenant.owner.token }), 403, "TENANT_SUSPENDED");
  });
});

describe("API keys", () => {
  it("work within their scopes, get 403 outside them, and 401 once revoked", async () => {
    const { tenant } = await createHarness();
    const contact = await tenant.createContact();
    const key = await tenant.createApiKey(["contacts:read"]);
    expectStatus(await call("GET", `/v1/contacts/${contact.id}`, { token: key.key }), 200);
    expectError(await call("POST", "/v1/contacts", { token: key.key, body: { name: "x" } }), 403, "FORBIDDEN");
    expectError(await call("GET", "/v1/api-keys", { token: key.key }), 403);
    expectStatus(await call("DELETE", `/v1/api-keys/${key.id}`, { token: tenant.owner.token }), 204);
    expectError(await call("GET", `/v1/contacts/${contact.id}`, { token: key.key }), 401);
  });

  it("are stored only as hashes and never returned after creation", async () => {
    const { tenant } = await createHarness();
    const key = await tenant.createApiKey(["contacts:read", "contacts:write"]);
    const list = await call("GET", "/v1/api-keys", { token: tenant.owner.token });
    expectStatus(list, 200);
    expect(list.text).not.toContain(key.key);
    expect(list.text).not.toContain(key.key.slice(36));
    const rows = await ownerQuery("select key_hash, prefix from api_keys where id = $1", [key.id]);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.key).not.toContain(rows[0].key_hash);
  });

  it("of another tenant cannot be used with a forged tenant part", async () => {
    const { tenant, foreign } = await createHarness();
    const key = await foreign.createApiKey(["contacts:read"]);
    const forged = `pk_${tenant.id.replace(/-/g, "")}_${key.key.slice(36)}`;
    expectError(await call("GET", "/v1/contacts", { token: forged }), 401);
  });
});
