import { describe, expect, it } from "vitest";
import { api, call, createTenant, expectApiError, expectData, expectError, expectStatus, STRONG_PASSWORD, uniqueEmail } from "./harness";

describe("members", () => {
  it("invites a new person who sets a password on accepting and lands in the workspace with the role", async () => {
    const t = await createTenant();
    const email = uniqueEmail("new");
    const invite = expectData(await t.api.POST("/v1/members", { body: { email, role: "supervisor" } }), 201);
    expect(invite).toMatchObject({ email, role: "supervisor", status: "invited", invitation: { token: expect.stringMatching(/^inv_/), url: expect.stringContaining("/invite?token=") } });
    expectApiError(await api().POST("/v1/invitations/accept", { body: { token: invite.invitation.token, password: "weak" } }), 400, "VALIDATION_FAILED");
    const accepted = expectData(await api().POST("/v1/invitations/accept", { body: { token: invite.invitation.token, password: STRONG_PASSWORD } }), 200);
    expect(accepted).toMatchObject({ tenant: { id: t.id }, role: "supervisor", user: { email } });
    expectApiError(await api().POST("/v1/invitations/accept", { body: { token: invite.invitation.token, password: STRONG_PASSWORD } }), 404);
    const list = expectData(await t.api.GET("/v1/members"), 200);
    expect(list.data.find((m) => m.email === email)).toMatchObject({ role: "supervisor", status: "active" });
    expectData(await api().POST("/v1/auth/login", { body: { email, password: STRONG_PASSWORD } }), 200);
  });

  it("lets an existing account accept only while signed in as itself, never with a password", async () => {
    const a = await createTenant("A");
    const b = await createTenant("B");
    const invite = await call("POST", "/v1/members", { token: b.owner.token, body: { email: a.owner.email, role: "agent" } });
    expectStatus(invite, 201);
    const token = invite.body.invitation.token;
    // Its right password is no way in: the invitation holder must not be able to test passwords.
    expectError(await call("POST", "/v1/invitations/accept", { body: { token, password: a.owner.password } }), 401, "UNAUTHORIZED");
    // Nor is someone else's sign-in.
    expectError(await call("POST", "/v1/invitations/accept", { token: b.owner.token, body: { token } }), 401, "UNAUTHORIZED");
    const ok = await call("POST", "/v1/invitations/accept", { token: a.owner.token, body: { token } });
    expectStatus(ok, 200);
    expect(ok.body).toMatchObject({ tenant: { id: b.id }, role: "agent", user: { id: a.owner.userId } });
    const intoB = await call("POST", "/v1/auth/login", { body: { email: a.owner.email, password: a.owner.password, tenant: b.slug } });
    expect(intoB.body).toMatchObject({ tenant: { id: b.id }, role: "agent" });
  });

  it("refuses duplicate invitations with 409", async () => {
    const t = await createTenant();
    const email = uniqueEmail();
    expectData(await t.api.POST("/v1/members", { body: { email, role: "agent" } }), 201);
    expectApiError(await t.api.POST("/v1/members", { body: { email, role: "viewer" } }), 409, "CONFLICT");
    expectError(await call("POST", "/v1/members", { token: t.owner.token, body: { email: t.owner.email, role: "viewer" } }), 409);
  });

  it("lets only owners grant the owner role", async () => {
    const t = await createTenant();
    const admin = await t.createUser("admin");
    expectError(await call("POST", "/v1/members", { token: admin.token, body: { email: uniqueEmail(), role: "owner" } }), 403, "FORBIDDEN");
    expectStatus(await call("POST", "/v1/members", { token: admin.token, body: { email: uniqueEmail(), role: "agent" } }), 201);
    expectStatus(await call("POST", "/v1/members", { token: t.owner.token, body: { email: uniqueEmail(), role: "owner" } }), 201);
  });

  it("applies a role change on the very next request", async () => {
    const t = await createTenant();
    const agent = await t.createUser("agent");
    expectStatus(await call("POST", "/v1/contacts", { token: agent.token, body: { name: "ok" } }), 201);
    expectStatus(await call("PATCH", `/v1/members/${agent.memberId}`, { token: t.owner.token, body: { role: "viewer" } }), 200);
    expectError(await call("POST", "/v1/contacts", { token: agent.token, body: { name: "no" } }), 403);
    const me = await call("GET", "/v1/me", { token: agent.token });
    expect(me.body.role).toBe("viewer");
  });

  it("always keeps one owner", async () => {
    const t = await createTenant();
    const list = await call("GET", "/v1/members", { token: t.owner.token });
    const self = list.body.data.find((m: any) => m.user_id === t.owner.userId);
    expectError(await call("PATCH", `/v1/members/${self.id}`, { token: t.owner.token, body: { role: "admin" } }), 409, "CONFLICT");
    expectError(await call("DELETE", `/v1/members/${self.id}`, { token: t.owner.token }), 409, "CONFLICT");
  });

  it("ends a removed member's sessions, refresh tokens included", async () => {
    const t = await createTenant();
    const agent = await t.createUser("agent");
    expectStatus(await call("DELETE", `/v1/members/${agent.memberId}`, { token: t.owner.token }), 204);
    expectError(await call("GET", "/v1/me", { token: agent.token }), 401);
    expectError(await call("POST", "/v1/auth/refresh", { body: { refresh_token: agent.refreshToken } }), 401);
    expectError(await call("POST", "/v1/auth/login", { body: { email: agent.email, password: agent.password } }), 401);
  });
});
