import { describe, expect, it } from "vitest";
import { call, createHarness, createTenant, expectError, expectStatus, ownerQuery, STRONG_PASSWORD, uniqueEmail } from "./harness";

describe("sign-up", () => {
  it("creates an organization, its owner and a session, with the contract's shape", async () => {
    const email = uniqueEmail();
    const res = await call("POST", "/v1/auth/signup", { body: { email: email.toUpperCase(), password: STRONG_PASSWORD, organization: "Zażółć Widgets" } });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({
      user: { id: expect.any(String), email },
      tenant: { id: expect.any(String), slug: expect.stringMatching(/^zazolc-widgets/), name: "Zażółć Widgets" },
      role: "owner",
      token_type: "Bearer",
      expires_in: 900,
    });
    const me = await call("GET", "/v1/me", { token: res.body.access_token });
    expectStatus(me, 200);
    expect(me.body).toMatchObject({ user: { email }, tenant: { id: res.body.tenant.id }, role: "owner" });
    const audit = await ownerQuery("select action from audit_log where tenant_id = $1 order by id", [res.body.tenant.id]);
    expect(audit.map((a) => a.action)).toEqual(["tenant.created", "member.added"]);
  });

  it("gives two organizations with the same name different slugs", async () => {
    const a = await call("POST", "/v1/auth/signup", { body: { email: uniqueEmail(), password: STRONG_PASSWORD, organization: "Same Name Ltd" } });
    const b = await call("POST", "/v1/auth/signup", { body: { email: uniqueEmail(), password: STRONG_PASSWORD, organization: "Same Name Ltd" } });
    expectStatus(a, 201);
    expectStatus(b, 201);
    expect(a.body.tenant.slug).not.toBe(b.body.tenant.slug);
  });

  it("returns 409 for a taken email and creates nothing", async () => {
    const { owner } = await createTenant();
    const before = await ownerQuery("select count(*)::int as n from tenants");
    const res = await call("POST", "/v1/auth/signup", { body: { email: owner.email, password: STRONG_PASSWORD, organization: "Dup Inc" } });
    expectError(res, 409, "EMAIL_TAKEN");
    expect(res.body.error.field).toBe("email");
    const after = await ownerQuery("select count(*)::int as n from tenants");
    expect(after[0].n).toBe(before[0].n);
  });

  it.each([
    [{ password: STRONG_PASSWORD, organization: "X" }, "email"],
    [{ email: "not-an-email", password: STRONG_PASSWORD, organization: "X" }, "email"],
    [{ email: uniqueEmail(), password: "short", organization: "X" }, "password"],
    [{ email: uniqueEmail(), password: "aaaaaaaaaaaaaaaa", organization: "X" }, "password"],
    [{ email: uniqueEmail(), password: STRONG_PASSWORD, organization: "" }, "organization"],
  ])("rejects %j naming the field %s", async (body, field) => {
    const res = await call("POST", "/v1/auth/signup", { body });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.error.field).toBe(field);
  });

  it("rejects malformed JSON with the error body", async () => {
    const res = await call("POST", "/v1/auth/signup", { rawBody: "{nope", headers: { "content-type": "application/json" } });
    expectError(res, 400);
  });

  it("is rate limited per IP", async () => {
    const ip = "192.0.2.77";
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await call("POST", "/v1/auth/signup", { ip, body: { email: uniqueEmail(), password: STRONG_PASSWORD, organization: "Flood" } });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it("is rate limited per email, even from different IPs", async () => {
    const email = uniqueEmail();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await call("POST", "/v1/auth/signup", { body: { email, password: STRONG_PASSWORD, organization: "Probe" } })).status);
    }
    expect(statuses).toEqual([201, 409, 409, 409, 409, 429]);
  });
});

describe("log-in", () => {
  it("signs in to the first membership, or to the workspace named by slug", async () => {
    const { tenant } = await createHarness();
    const res = await call("POST", "/v1/auth/login", { body: { email: tenant.owner.email, password: STRONG_PASSWORD } });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ tenant: { id: tenant.id, slug: tenant.slug }, role: "owner", token_type: "Bearer" });
    const bySlug = await call("POST", "/v1/auth/login", { body: { email: tenant.owner.email, password: STRONG_PASSWORD, tenant: tenant.slug } });
    expectStatus(bySlug, 200);
  });

  it("returns 401 with one message for a wrong password, an unknown email, or a workspace that is not yours", async () => {
    const { tenant, foreign } = await createHarness();
    const wrong = await call("POST", "/v1/auth/login", { body: { email: tenant.owner.email, password: "wrong-password-123" } });
    const unknown = await call("POST", "/v1/auth/login", { body: { email: uniqueEmail(), password: STRONG_PASSWORD } });
    const notMine = await call("POST", "/v1/auth/login", { body: { email: tenant.owner.email, password: STRONG_PASSWORD, tenant: foreign.slug } });
    for (const res of [wrong, unknown, notMine]) {
      expectError(res, 401, "UNAUTHORIZED");
      expect(res.body.error.message).toBe("Invalid email or password");
    }
  });

  it("is rate limited per IP and email, with Retry-After, without locking the account for everyone else", async () => {
    const { owner } = await createTenant();
    const attacker = "198.51.100.23";
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await call("POST", "/v1/auth/login", { ip: attacker, body: { email: owner.email, password: "wrong-password-123" } })).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    const blocked = await call("POST", "/v1/auth/login", { ip: attacker, body: { email: owner.email, password: STRONG_PASSWORD } });
    expectError(blocked, 429, "RATE_LIMITED");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // The owner, from their own network, is not locked out by the stranger's guesses.
    expectStatus(await call("POST", "/v1/auth/login", { ip: "203.0.113.9", body: { email: owner.email, password: STRONG_PASSWORD } }), 200);
  });
});

describe("refresh tokens", () => {
  it("rotates: the new pair works and the old refresh token is spent", async () => {
    const { owner } = await createTenant();
    const first = await call("POST", "/v1/auth/refresh", { body: { refresh_token: owner.refreshToken } });
    expectStatus(first, 200);
    expect(first.body.refresh_token).not.toBe(owner.refreshToken);
    expectStatus(await call("GET", "/v1/me", { token: first.body.access_token }), 200);
    const second = await call("POST", "/v1/auth/refresh", { body: { refresh_token: first.body.refresh_token } });
    expectStatus(second, 200);
  });

  it("revokes the whole family when a rotated token is presented again", async () => {
    const { owner } = await createTenant();
    const rotated = await call("POST", "/v1/auth/refresh", { body: { refresh_token: owner.refreshToken } });
    expectStatus(rotated, 200);
    const reuse = await call("POST", "/v1/auth/refresh", { body: { refresh_token: owner.refreshToken } });
    expectError(reuse, 401, "UNAUTHORIZED");
    // Every token of the family is dead now: the newest refresh token and the access tokens.
    expectError(await call("POST", "/v1/auth/refresh", { body: { refresh_token: rotated.body.refresh_token } }), 401);
    expectError(await call("GET", "/v1/me", { token: rotated.body.access_token }), 401);
    expectError(await call("GET", "/v1/me", { token: owner.token }), 401);
    const [family] = await ownerQuery("select revoked_reason from refresh_token_families where id = $1", [owner.sessionId]);
    expect(family.revoked_reason).toBe("refresh_token_reuse");
  });

  it("lets only one of two concurrent refreshes with the same token win", async () => {
    const { owner } = await createTenant();
    const results = await Promise.all([0, 1].map(() => call("POST", "/v1/auth/refresh", { body: { refresh_token: owner.refreshToken } })));
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    expect(results.some((r) => r.status === 401)).toBe(true);
  });

  it.each(["", "garbage", "rt_00000000000000000000000000000000_" + "a".repeat(43)])("returns 401 for the made-up token %j", async (token) => {
    const res = await call("POST", "/v1/auth/refresh", { body: { refresh_token: token } });
    expect([400, 401]).toContain(res.status);
    expectError(res, res.status);
  });
});

describe("log-out", () => {
  it("ends the session at once: access and refresh tokens stop working", async () => {
    const { owner } = await createTenant();
    expectStatus(await call("POST", "/v1/auth/logout", { token: owner.token }), 204);
    expectError(await call("GET", "/v1/me", { token: owner.token }), 401);
    expectError(await call("POST", "/v1/auth/refresh", { body: { refresh_token: owner.refreshToken } }), 401);
  });

  it("accepts a refresh token alone, and is idempotent", async () => {
    const { owner } = await createTenant();
    expectStatus(await call("POST", "/v1/auth/logout", { body: { refresh_token: owner.refreshToken } }), 204);
    expectStatus(await call("POST", "/v1/auth/logout", { body: { refresh_token: owner.refreshToken } }), 204);
    expectError(await call("GET", "/v1/me", { token: owner.token }), 401);
  });

  it("returns 401 with no credential at all", async () => {
    expectError(await call("POST", "/v1/auth/logout"), 401);
  });
});

describe("JWKS", () => {
  it("publishes only public signing keys", async () => {
    const res = await call("GET", "/.well-known/jwks.json");
    expectStatus(res, 200);
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: expect.any(String) });
      expect(key.d).toBeUndefined();
    }
  });
});
