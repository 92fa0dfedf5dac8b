import { describe, expect, it } from "vitest";
import { call, createHarness, expectError, expectStatus, tenantSnapshot } from "./harness";

// The service layer's wall: another tenant's objects are 404 everywhere, and trying changes nothing.
describe("cross-tenant access", () => {
  it("cannot read another tenant's contact", async () => {
    const { tenant, foreign } = await createHarness();
    const theirs = await foreign.createContact({ name: "Secret Customer" });
    const res = await call("GET", `/v1/contacts/${theirs.id}`, { token: tenant.owner.token });
    expectError(res, 404, "NOT_FOUND");
    expect(res.text).not.toContain("Secret Customer");
  });

  it("does not list another tenant's contacts, on any page or search", async () => {
    const { tenant, foreign } = await createHarness();
    await tenant.createContact({ name: "Mine" });
    const theirs = await foreign.createContact({ name: "Theirs Zebra", tags: ["shared-tag"] });
    for (const query of ["", "?q=Zebra", "?tag=shared-tag", "?limit=1"]) {
      const res = await call("GET", `/v1/contacts${query}`, { token: tenant.owner.token });
      expectStatus(res, 200);
      expect(res.text).not.toContain(theirs.id);
      expect(res.text).not.toContain("Zebra");
    }
  });

  it("cannot update or delete another tenant's contact, and nothing changes", async () => {
    const { tenant, foreign } = await createHarness();
    const theirs = await foreign.createContact({ name: "Untouchable" });
    const before = await tenantSnapshot(foreign.id);
    expectError(await call("PATCH", `/v1/contacts/${theirs.id}`, { token: tenant.owner.token, body: { name: "Hacked" } }), 404);
    expectError(await call("DELETE", `/v1/contacts/${theirs.id}`, { token: tenant.owner.token }), 404);
    expect(await tenantSnapshot(foreign.id)).toBe(before);
    const still = await call("GET", `/v1/contacts/${theirs.id}`, { token: foreign.owner.token });
    expect(still.body.name).toBe("Untouchable");
  });

  it("rejects another tenant's id in a request body with 404, changing neither tenant", async () => {
    const { tenant, foreign } = await createHarness();
    const mine = await tenant.createContact({ name: "Mine" });
    const theirs = await foreign.createContact({ name: "Theirs", email: "theirs@example.com" });
    const before = [await tenantSnapshot(tenant.id), await tenantSnapshot(foreign.id)];
    const res = await call("POST", `/v1/contacts/${mine.id}/merge`, { token: tenant.owner.token, body: { source_id: theirs.id } });
    expectError(res, 404, "NOT_FOUND");
    expect([await tenantSnapshot(tenant.id), await tenantSnapshot(foreign.id)]).toEqual(before);
  });

  it("cannot change, remove or list another tenant's members", async () => {
    const { tenant, foreign } = await createHarness();
    const agent = await foreign.createUser("agent");
    const before = await tenantSnapshot(foreign.id);
    expectError(await call("PATCH", `/v1/members/${agent.memberId}`, { token: tenant.owner.token, body: { role: "owner" } }), 404);
    expectError(await call("DELETE", `/v1/members/${agent.memberId}`, { token: tenant.owner.token }), 404);
    const list = await call("GET", "/v1/members", { token: tenant.owner.token });
    expect(list.text).not.toContain(agent.email);
    expect(await tenantSnapshot(foreign.id)).toBe(before);
  });

  it("cannot revoke or see another tenant's API keys", async () => {
    const { tenant, foreign } = await createHarness();
    const key = await foreign.createApiKey(["contacts:read"]);
    expectError(await call("DELETE", `/v1/api-keys/${key.id}`, { token: tenant.owner.token }), 404);
    expect((await call("GET", "/v1/api-keys", { token: tenant.owner.token })).text).not.toContain(key.id);
    expectStatus(await call("GET", "/v1/contacts", { token: key.key }), 200);
  });

  it("keeps an API key inside its own tenant", async () => {
    const { tenant, foreign } = await createHarness();
    const theirs = await foreign.createContact();
    const key = await tenant.createApiKey(["contacts:read", "contacts:write"]);
    expectError(await call("GET", `/v1/contacts/${theirs.id}`, { token: key.key }), 404);
    expectError(await call("DELETE", `/v1/contacts/${theirs.id}`, { token: key.key }), 404);
  });
});
