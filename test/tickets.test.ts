import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Database, type Tx } from "../src/db/client";
import { loadConfig, type Env } from "../src/env";
import { getCallSummary, listEscalations, recordEscalation, setEscalationStatus, storeCallSummary } from "../src/services/escalations/escalations";
import { openTicket } from "../src/services/tickets/tickets";
import { call, createTenant, expectError, expectStatus, ownerQuery, type TenantHandle } from "./harness";

/**
 * A conversation row for tickets and escalations to point at. Inserted directly (channel and contact
 * through the API): these tests are about what refers to a conversation, not about ingest.
 */
async function createConversation(t: TenantHandle): Promise<{ id: string; contact_id: string }> {
  const channel = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "api", name: "Website API", credentials: { signing_secret: `whsec-${crypto.randomUUID()}` } } });
  expectStatus(channel, 201);
  const contact = await t.createContact();
  const id = crypto.randomUUID();
  await ownerQuery("insert into conversations (id, tenant_id, channel_id, contact_id, thread_key) values ($1, $2, $3, $4, $5)", [id, t.id, channel.body.id, contact.id, `${channel.body.id}:${contact.id}`]);
  return { id, contact_id: contact.id };
}

/** Every row the ticket and escalation verbs can write for a tenant: "changes nothing" is checked on all of it. */
async function ticketState(tenantId: string): Promise<string> {
  const queries = [
    "select * from tickets where tenant_id = $1 order by id",
    "select * from ticket_counters where tenant_id = $1",
    "select * from escalations where tenant_id = $1 order by id",
    "select * from call_summaries where tenant_id = $1 order by id",
    "select action, entity_id, data from audit_log where tenant_id = $1 and entity_type in ('ticket', 'escalation') order by id",
    "select type, aggregate_id, payload from outbox_events where tenant_id = $1 and aggregate_type in ('ticket', 'escalation') order by created_at, id",
  ];
  return JSON.stringify(await Promise.all(queries.map((q) => ownerQuery(q, [tenantId]))));
}

const openTicketApi = (t: TenantHandle, body: Record<string, unknown>, token = t.owner.token) => call("POST", "/v1/tickets", { token, body });

describe("tickets", () => {
  it("opens a ticket numbered T-000001 with status open, and records audit and outbox rows", async () => {
    const t = await createTenant();
    const res = await openTicketApi(t, { title: "Refund not received", priority: "P1", category: "billing", description: "Paid twice on 3 May" });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ ticket_number: "T-000001", status: "open", title: "Refund not received", priority: "P1", category: "billing", description: "Paid twice on 3 May", conversation_id: null, contact_id: null, resolved_at: null, version: 1 });
    expect(await ownerQuery("select action, actor_type, actor_id from audit_log where entity_id = $1", [res.body.id])).toEqual([{ action: "ticket.created", actor_type: "user", actor_id: t.owner.userId }]);
    const events = await ownerQuery("select type, payload from outbox_events where aggregate_id = $1", [res.body.id]);
    expect(events).toEqual([{ type: "ticket.created", payload: expect.objectContaining({ ticket_id: res.body.id, ticket_number: "T-000001", priority: "P1" }) }]);
    const fetched = await call("GET", `/v1/tickets/${res.body.id}`, { token: t.owner.token });
    expectStatus(fetched, 200);
    expect(fetched.body).toEqual(res.body);
  });

  it("gives ten tickets opened at once ten different consecutive numbers", async () => {
    const t = await createTenant();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => openTicketApi(t, { title: `Burst ${i}` })));
    for (const r of results) expectStatus(r, 201);
    const numbers = results.map((r) => r.body.ticket_number as string).sort();
    expect(numbers).toEqual(Array.from({ length: 10 }, (_, i) => `T-${String(i + 1).padStart(6, "0")}`));
    expect((await ownerQuery("select last_number from ticket_counters where tenant_id = $1", [t.id]))[0].last_number).toBe(10);
  });

  it("numbers each workspace's tickets on its own", async () => {
    const [a, b] = await Promise.all([createTenant(), createTenant("Other")]);
    expectStatus(await openTicketApi(a, { title: "First in A" }), 201);
    const second = await openTicketApi(a, { title: "Second in A" });
    const firstInB = await openTicketApi(b, { title: "First in B" });
    expect(second.body.ticket_number).toBe("T-000002");
    expect(firstInB.body.ticket_number).toBe("T-000001");
  });

  it("takes the contact of the conversation it is opened from, and lists by conversation", async () => {
    const t = await createTenant();
    const conv = await createConversation(t);
    const res = await openTicketApi(t, { title: "Order missing", conversation_id: conv.id });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ conversation_id: conv.id, contact_id: conv.contact_id });
    expectStatus(await openTicketApi(t, { title: "Unrelated" }), 201);
    const list = await call("GET", `/v1/tickets?conversation_id=${conv.id}`, { token: t.owner.token });
    expect(list.body.data.map((x: any) => x.id)).toEqual([res.body.id]);
    const other = await t.createContact();
    const mismatch = await openTicketApi(t, { title: "Wrong pair", conversation_id: conv.id, contact_id: other.id });
    expectError(mismatch, 400, "VALIDATION_FAILED");
    expect(mismatch.body.error.field).toBe("contact_id");
  });

  it("returns 404 naming the field for another workspace's conversation or contact, and writes nothing", async () => {
    const [t, foreign] = await Promise.all([createTenant(), createTenant("Foreign")]);
    const [foreignConv, foreignContact] = await Promise.all([createConversation(foreign), foreign.createContact()]);
    const before = await ticketState(t.id);
    const byConv = await openTicketApi(t, { title: "Sneaky", conversation_id: foreignConv.id });
    expectError(byConv, 404, "NOT_FOUND");
    expect(byConv.body.error.field).toBe("conversation_id");
    const byContact = await openTicketApi(t, { title: "Sneaky", contact_id: foreignContact.id });
    expectError(byContact, 404, "NOT_FOUND");
    expect(byContact.body.error.field).toBe("contact_id");
    expect(await ticketState(t.id)).toBe(before);
  });

  it.each([
    [{}, "title"],
    [{ title: "   " }, "title"],
    [{ title: "x".repeat(201) }, "title"],
    [{ title: "Ok", priority: "urgent" }, "priority"],
    [{ title: "Ok", conversation_id: "not-a-uuid" }, "conversation_id"],
    [{ title: "Ok", contact_id: 42 }, "contact_id"],
  ])("rejects %j naming %s, and writes nothing", async (body, field) => {
    const t = await createTenant();
    const before = await ticketState(t.id);
    const res = await openTicketApi(t, body);
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.error.field).toBe(field);
    expect(await ticketState(t.id)).toBe(before);
  });

  it("moves open → pending → resolved → closed, stamping resolved_at and closed_at, and reopens", async () => {
    const t = await createTenant();
    const { body: ticket } = await openTicketApi(t, { title: "Lifecycle" });
    const patch = (body: Record<string, unknown>) => call("PATCH", `/v1/tickets/${ticket.id}`, { token: t.owner.token, body });
    const pending = await patch({ status: "pending" });
    expectStatus(pending, 200);
    expect(pending.body).toMatchObject({ status: "pending", resolved_at: null, version: 2 });
    const resolved = await patch({ status: "resolved", resolution_notes: "Refund sent" });
    expect(resolved.body).toMatchObject({ status: "resolved", resolution_notes: "Refund sent", resolved_at: expect.any(String), closed_at: null });
    const closed = await patch({ status: "closed" });
    expect(closed.body).toMatchObject({ status: "closed", resolved_at: resolved.body.resolved_at, closed_at: expect.any(String) });
    const reopened = await patch({ status: "open" });
    expect(reopened.body).toMatchObject({ status: "open", resolved_at: null, closed_at: null, version: 5 });
    const events = await ownerQuery("select payload from outbox_events where aggregate_id = $1 and type = 'ticket.updated' order by created_at", [ticket.id]);
    expect(events.map((e) => e.payload.changes.status)).toEqual([
      { from: "open", to: "pending" },
      { from: "pending", to: "resolved" },
      { from: "resolved", to: "closed" },
      { from: "closed", to: "open" },
    ]);
  });

  it("refuses to close a ticket that was never resolved, naming status, and changes nothing", async () => {
    const t = await createTenant();
    const { body: ticket } = await openTicketApi(t, { title: "Skip ahead" });
    const before = await ticketState(t.id);
    const res = await call("PATCH", `/v1/tickets/${ticket.id}`, { token: t.owner.token, body: { status: "closed" } });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.error.field).toBe("status");
    const bogus = await call("PATCH", `/v1/tickets/${ticket.id}`, { token: t.owner.token, body: { status: "archived" } });
    expectError(bogus, 400, "VALIDATION_FAILED");
    expect(bogus.body.error.field).toBe("status");
    expect(await ticketState(t.id)).toBe(before);
  });

  it("assigns only to members of the workspace: anyone else is 400 naming assignee_id", async () => {
    const [t, foreign] = await Promise.all([createTenant(), createTenant("Foreign")]);
    const agent = await t.createUser("agent");
    const { body: ticket } = await openTicketApi(t, { title: "Needs an owner" });
    const before = await ticketState(t.id);
    for (const assignee_id of [foreign.owner.userId, crypto.randomUUID()]) {
      const res = await call("PATCH", `/v1/tickets/${ticket.id}`, { token: t.owner.token, body: { assignee_id } });
      expectError(res, 400, "VALIDATION_FAILED");
      expect(res.body.error.field).toBe("assignee_id");
    }
    expect(await ticketState(t.id)).toBe(before);
    const ok = await call("PATCH", `/v1/tickets/${ticket.id}`, { token: t.owner.token, body: { assignee_id: agent.userId, priority: "P0" } });
    expectStatus(ok, 200);
    expect(ok.body).toMatchObject({ assignee_id: agent.userId, priority: "P0" });
    const mine = await call("GET", `/v1/tickets?assignee_id=${agent.userId}`, { token: agent.token });
    expect(mine.body.data.map((x: any) => x.id)).toEqual([ticket.id]);
  });

  it("refuses a stale version with 409 and writes nothing for a patch that changes nothing", async () => {
    const t = await createTenant();
    const { body: ticket } = await openTicketApi(t, { title: "Versioned", priority: "P2" });
    const before = await ticketState(t.id);
    const same = await call("PATCH", `/v1/tickets/${ticket.id}`, { token: t.owner.token, body: { priority: "P2" } });
    expectStatus(same, 200);
    expect(same.body.version).toBe(1);
    expect(await ticketState(t.id)).toBe(before);
    expectStatus(await call("PATCH", `/v1/tickets/${ticket.id}`, { token: t.owner.token, body: { status: "pending", version: 1 } }), 200);
    const stale = await call("PATCH", `/v1/tickets/${ticket.id}`, { token: t.owner.token, body: { status: "resolved", version: 1 } });
    expectError(stale, 409, "VERSION_CONFLICT");
  });

  it("lists newest first with cursors and filters by status", async () => {
    const t = await createTenant();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await openTicketApi(t, { title: `Ticket ${i}` })).body.id);
    expectStatus(await call("PATCH", `/v1/tickets/${ids[1]}`, { token: t.owner.token, body: { status: "pending" } }), 200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await call("GET", `/v1/tickets?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: t.owner.token });
      expectStatus(res, 200);
      seen.push(...res.body.data.map((x: { id: string }) => x.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const pending = await call("GET", "/v1/tickets?status=pending", { token: t.owner.token });
    expect(pending.body.data.map((x: any) => x.id)).toEqual([ids[1]]);
    expectError(await call("GET", "/v1/tickets?cursor=bogus", { token: t.owner.token }), 400, "VALIDATION_FAILED");
    expectError(await call("GET", "/v1/tickets?status=done", { token: t.owner.token }), 400, "VALIDATION_FAILED");
  });

  it("returns 404 for another workspace's ticket, to read or to change, and changes nothing", async () => {
    const [t, foreign] = await Promise.all([createTenant(), createTenant("Foreign")]);
    const { body: ticket } = await openTicketApi(t, { title: "Private" });
    const before = await ticketState(t.id);
    expectError(await call("GET", `/v1/tickets/${ticket.id}`, { token: foreign.owner.token }), 404, "NOT_FOUND");
    expectError(await call("PATCH", `/v1/tickets/${ticket.id}`, { token: foreign.owner.token, body: { status: "pending" } }), 404, "NOT_FOUND");
    expect((await call("GET", "/v1/tickets", { token: foreign.owner.token })).body.data).toEqual([]);
    expect(await ticketState(t.id)).toBe(before);
  });

  it("lets a viewer read tickets but not open or change them", async () => {
    const t = await createTenant();
    const viewer = await t.createUser("viewer");
    const { body: ticket } = await openTicketApi(t, { title: "Visible" });
    const before = await ticketState(t.id);
    expectError(await openTicketApi(t, { title: "From a viewer" }, viewer.token), 403, "FORBIDDEN");
    expectError(await call("PATCH", `/v1/tickets/${ticket.id}`, { token: viewer.token, body: { status: "pending" } }), 403, "FORBIDDEN");
    expect(await ticketState(t.id)).toBe(before);
    expectStatus(await call("GET", `/v1/tickets/${ticket.id}`, { token: viewer.token }), 200);
  });
});

// The transaction-taking verbs, called the way a flow run calls them: inside its own tenant transaction.
describe("ticket and escalation verbs inside a caller's transaction", () => {
  const withDb = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    const db = new Database(loadConfig(env as unknown as Env));
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };

  it("rolls a ticket back with the caller's transaction, number included", async () => {
    const t = await createTenant();
    const conv = await createConversation(t);
    await withDb(async (db) => {
      await expect(
        db.scoped({ tenantId: t.id }, async (tx) => {
          await openTicket(tx, t.id, { title: "Made by a flow", conversation_id: conv.id });
          throw new Error("the flow step failed after the ticket");
        }),
      ).rejects.toThrow("the flow step failed");
      expect(await ownerQuery("select count(*)::int as n from tickets where tenant_id = $1", [t.id])).toEqual([{ n: 0 }]);
      const kept = await db.scoped({ tenantId: t.id }, (tx) => openTicket(tx, t.id, { title: "Made by a flow", conversation_id: conv.id }));
      expect(kept).toMatchObject({ ticket_number: "T-000001", contact_id: conv.contact_id });
    });
    expect(await ownerQuery("select actor_type, actor_id from audit_log where tenant_id = $1 and action = 'ticket.created'", [t.id])).toEqual([{ actor_type: "system", actor_id: "flow" }]);
  });

  it("records an escalation with its ticket and summary, pending, with an audit row and an escalation.created event", async () => {
    const t = await createTenant();
    const conv = await createConversation(t);
    const escalation = await withDb((db) =>
      db.scoped({ tenantId: t.id }, async (tx) => {
        const ticket = await openTicket(tx, t.id, { title: "Customer asked for a person", conversation_id: conv.id, priority: "P1" });
        return recordEscalation(tx, t.id, { conversation_id: conv.id, ticket_id: ticket.id, reason: "customer_requested_human", summary: "Wants a refund for order 1234", priority: "P1" });
      }),
    );
    expect(escalation).toMatchObject({ conversation_id: conv.id, ticket_id: expect.any(String), reason: "customer_requested_human", summary: "Wants a refund for order 1234", priority: "P1", status: "pending", accepted_at: null });
    const events = await ownerQuery("select type, payload from outbox_events where aggregate_id = $1", [escalation.id]);
    expect(events).toEqual([{ type: "escalation.created", payload: expect.objectContaining({ conversation_id: conv.id, reason: "customer_requested_human", priority: "P1" }) }]);
    expect(await ownerQuery("select action from audit_log where entity_id = $1", [escalation.id])).toEqual([{ action: "escalation.created" }]);
  });

  it("lists escalations by status and conversation, and moves them pending → accepted → resolved only", async () => {
    const t = await createTenant();
    const [a, b] = [await createConversation(t), await createConversation(t)];
    const agent = await t.createUser("agent");
    await withDb(async (db) => {
      const run = <T>(fn: (tx: Tx) => Promise<T>) => db.scoped({ tenantId: t.id }, fn);
      const first = await run((tx) => recordEscalation(tx, t.id, { conversation_id: a.id, reason: "angry" }));
      await run((tx) => recordEscalation(tx, t.id, { conversation_id: b.id, reason: "priority_P0", priority: "P0" }));
      expect((await run((tx) => listEscalations(tx, t.id, { conversation_id: a.id }))).map((e) => e.id)).toEqual([first.id]);
      expect(await run((tx) => listEscalations(tx, t.id, { status: "pending" }))).toHaveLength(2);
      const accepted = await run((tx) => setEscalationStatus(tx, t.id, { id: first.id, status: "accepted", user_id: agent.userId }));
      expect(accepted).toMatchObject({ status: "accepted", accepted_by: agent.userId, accepted_at: expect.any(String) });
      const resolved = await run((tx) => setEscalationStatus(tx, t.id, { id: first.id, status: "resolved" }));
      expect(resolved).toMatchObject({ status: "resolved", resolved_at: expect.any(String) });
      await expect(run((tx) => setEscalationStatus(tx, t.id, { id: first.id, status: "accepted" }))).rejects.toMatchObject({ code: "VALIDATION_FAILED", details: { field: "status" } });
      expect(await run((tx) => listEscalations(tx, t.id, { status: "pending" }))).toHaveLength(1);
    });
  });

  it("refuses an escalation for another workspace's conversation or ticket, or without a reason, and writes nothing", async () => {
    const [t, foreign] = await Promise.all([createTenant(), createTenant("Foreign")]);
    const [conv, foreignConv] = await Promise.all([createConversation(t), createConversation(foreign)]);
    const { body: foreignTicket } = await openTicketApi(foreign, { title: "Theirs" });
    const before = await ticketState(t.id);
    await withDb(async (db) => {
      const attempt = (input: any) => db.scoped({ tenantId: t.id }, (tx) => recordEscalation(tx, t.id, input));
      await expect(attempt({ conversation_id: foreignConv.id, reason: "angry" })).rejects.toMatchObject({ code: "NOT_FOUND", details: { field: "conversation_id" } });
      await expect(attempt({ conversation_id: conv.id, ticket_id: foreignTicket.id, reason: "angry" })).rejects.toMatchObject({ code: "NOT_FOUND", details: { field: "ticket_id" } });
      await expect(attempt({ conversation_id: conv.id, reason: "" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", details: { field: "reason" } });
      await expect(attempt({ conversation_id: conv.id, reason: "angry", priority: "P7" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", details: { field: "priority" } });
      // A flow hands over customer text without passing the API edge: what Postgres cannot store is a 400, not a 500.
      await expect(attempt({ conversation_id: conv.id, reason: "angry", summary: "said \u0000 twice" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", details: { field: "summary" } });
    });
    expect(await ticketState(t.id)).toBe(before);
  });

  it("stores one call summary per conversation, replaced when summarized again, and invisible to other workspaces", async () => {
    const [t, foreign] = await Promise.all([createTenant(), createTenant("Foreign")]);
    const conv = await createConversation(t);
    await withDb(async (db) => {
      const first = await db.scoped({ tenantId: t.id }, (tx) =>
        storeCallSummary(tx, t.id, { conversation_id: conv.id, summary: "Asked about opening hours", key_points: ["hours"], action_items: [], overall_sentiment: "neutral", resolution_detected: true, language: "es" }),
      );
      expect(first).toMatchObject({ summary: "Asked about opening hours", key_points: ["hours"], resolution_detected: true, language: "es" });
      const second = await db.scoped({ tenantId: t.id }, (tx) =>
        storeCallSummary(tx, t.id, { conversation_id: conv.id, summary: "Reopened: wants a booking", key_points: ["booking"], action_items: ["call back"], overall_sentiment: "positive" }),
      );
      expect(second).toMatchObject({ id: first.id, summary: "Reopened: wants a booking", action_items: ["call back"], resolution_detected: false });
      expect(await db.scoped({ tenantId: t.id }, (tx) => getCallSummary(tx, t.id, conv.id))).toEqual(second);
      expect(await db.scoped({ tenantId: foreign.id }, (tx) => getCallSummary(tx, foreign.id, conv.id))).toBeUndefined();
      await expect(db.scoped({ tenantId: foreign.id }, (tx) => storeCallSummary(tx, foreign.id, { conversation_id: conv.id, summary: "Overwrite attempt" }))).rejects.toMatchObject({
        code: "NOT_FOUND",
        details: { field: "conversation_id" },
      });
      await expect(db.scoped({ tenantId: t.id }, (tx) => storeCallSummary(tx, t.id, { conversation_id: conv.id, summary: "x", language: "Spanish" }))).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
        details: { field: "language" },
      });
    });
    expect(await ownerQuery("select summary from call_summaries where conversation_id = $1", [conv.id])).toEqual([{ summary: "Reopened: wants a booking" }]);
  });
});
