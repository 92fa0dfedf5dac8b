import { describe, expect, it } from "vitest";
import type { Schemas } from "../src/client";
import { call, createTenant, expectApiError, expectData, expectError, expectStatus, ownerQuery } from "./harness";

describe("contacts", () => {
  it("creates a contact with normalized identity fields and records audit and outbox rows", async () => {
    const t = await createTenant();
    const created = expectData(
      await t.api.POST("/v1/contacts", {
        body: { name: "Ana Silva", email: "Ana.Silva@Example.COM", phone: "+1 (650) 555-1234", language: "pt-BR", tags: ["vip", "vip"], attributes: { plan: "pro" } },
      }),
      201,
    );
    expect(created).toMatchObject({
      name: "Ana Silva",
      email: "ana.silva@example.com",
      emails: ["ana.silva@example.com"],
      phone: "+16505551234",
      language: "pt-BR",
      tags: ["vip"],
      attributes: { plan: "pro" },
      version: 1,
    });
    const audit = await ownerQuery("select action, actor_type, actor_id from audit_log where entity_id = $1", [created.id]);
    expect(audit).toEqual([{ action: "contact.created", actor_type: "user", actor_id: t.owner.userId }]);
    const events = await ownerQuery("select type from outbox_events where aggregate_id = $1", [created.id]);
    expect(events).toEqual([{ type: "contact.created" }]);
  });

  it.each([
    [{ email: "nope" }, "email"],
    [{ phone: "call me" }, "phone"],
    [{ language: "English" }, "language"],
    [{ tags: "vip" }, "tags"],
    [{ name: "x".repeat(201) }, "name"],
  ])("rejects %j naming %s, and writes nothing", async (body, field) => {
    const t = await createTenant();
    const res = await call("POST", "/v1/contacts", { token: t.owner.token, body });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.error.field).toBe(field);
    expect((await ownerQuery("select count(*)::int as n from contacts where tenant_id = $1", [t.id]))[0].n).toBe(0);
    expect((await ownerQuery("select count(*)::int as n from audit_log where tenant_id = $1 and action like 'contact.%'", [t.id]))[0].n).toBe(0);
  });

  it("pages through a list with cursors, newest first, without repeats or gaps", async () => {
    const t = await createTenant();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await t.createContact({ name: `Person ${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Schemas["ContactPage"] = expectData(await t.api.GET("/v1/contacts", { params: { query: { limit: 3, ...(cursor && { cursor }) } } }), 200);
      seen.push(...page.data.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expectError(await call("GET", "/v1/contacts?cursor=bogus", { token: t.owner.token }), 400, "VALIDATION_FAILED");
  });

  it("searches by name, email or phone and filters by tag", async () => {
    const t = await createTenant();
    const a = await t.createContact({ name: "Zed Alpha", email: "zed@example.com", tags: ["lead"] });
    await t.createContact({ name: "Other", email: "other@example.com", phone: "+441234567890" });
    const byName = expectData(await t.api.GET("/v1/contacts", { params: { query: { q: "alpha" } } }), 200);
    expect(byName.data.map((c) => c.id)).toEqual([a.id]);
    const byPhone = expectData(await t.api.GET("/v1/contacts", { params: { query: { q: "4412345" } } }), 200);
    expect(byPhone.data).toHaveLength(1);
    const byTag = expectData(await t.api.GET("/v1/contacts", { params: { query: { tag: "lead" } } }), 200);
    expect(byTag.data.map((c) => c.id)).toEqual([a.id]);
    const wildcard = await call("GET", "/v1/contacts?q=%25", { token: t.owner.token });
    expect(wildcard.body.data).toHaveLength(0);
  });

  it("updates with optimistic locking: a stale version is 409 and changes nothing", async () => {
    const t = await createTenant();
    const c = await t.createContact({ name: "Before" });
    const ok = expectData(await t.api.PATCH("/v1/contacts/{id}", { params: { path: { id: c.id } }, body: { name: "After", version: 1, tags: ["x"] } }), 200);
    expect(ok).toMatchObject({ name: "After", tags: ["x"], version: 2, email: c.email });
    const stale = await t.api.PATCH("/v1/contacts/{id}", { params: { path: { id: c.id }, header: { "if-match": '"1"' } }, body: { name: "Lost update" } });
    expectApiError(stale, 409, "VERSION_CONFLICT");
    const now = expectData(await t.api.GET("/v1/contacts/{id}", { params: { path: { id: c.id } } }), 200);
    expect(now).toMatchObject({ name: "After", version: 2 });
  });

  it("soft-deletes: gone from reads and lists, second delete is 404", async () => {
    const t = await createTenant();
    const c = await t.createContact();
    expectStatus(await call("DELETE", `/v1/contacts/${c.id}`, { token: t.owner.token }), 204);
    expectError(await call("GET", `/v1/contacts/${c.id}`, { token: t.owner.token }), 404);
    expect((await call("GET", "/v1/contacts", { token: t.owner.token })).text).not.toContain(c.id);
    expectError(await call("DELETE", `/v1/contacts/${c.id}`, { token: t.owner.token }), 404);
    const [row] = await ownerQuery("select deleted_at is not null as deleted from contacts where id = $1", [c.id]);
    expect(row.deleted).toBe(true);
  });

  it("merges a duplicate: identities are unioned and the duplicate disappears", async () => {
    const t = await createTenant();
    const target = await t.createContact({ name: "Sheena", email: "sheena@example.com", tags: ["vip"] });
    const dup = await t.createContact({ name: null, email: null, phone: "+16505551234", external_ids: { whatsapp: "16505551234" }, tags: ["whatsapp"] });
    const merged = expectData(await t.api.POST("/v1/contacts/{id}/merge", { params: { path: { id: target.id } }, body: { source_id: dup.id } }), 200);
    expect(merged).toMatchObject({ name: "Sheena", emails: ["sheena@example.com"], phones: ["+16505551234"], external_ids: { whatsapp: "16505551234" }, tags: ["vip", "whatsapp"] });
    expectError(await call("GET", `/v1/contacts/${dup.id}`, { token: t.owner.token }), 404);
    expectError(await call("POST", `/v1/contacts/${target.id}/merge`, { token: t.owner.token, body: { source_id: target.id } }), 400);
  });

  it("returns 404 for an unknown id and 400 for a malformed one", async () => {
    const t = await createTenant();
    expectApiError(await t.api.GET("/v1/contacts/{id}", { params: { path: { id: crypto.randomUUID() } } }), 404, "NOT_FOUND");
    expectError(await call("GET", "/v1/contacts/not-a-uuid", { token: t.owner.token }), 400, "VALIDATION_FAILED");
  });

  it("refuses bodies over the size limit with 413", async () => {
    const t = await createTenant();
    const res = await call("POST", "/v1/contacts", { token: t.owner.token, body: { name: "big", attributes: { blob: "x".repeat(300_000) } } });
    expectError(res, 413, "PAYLOAD_TOO_LARGE");
  });
});
