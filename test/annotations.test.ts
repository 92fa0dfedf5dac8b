// Agents correcting how a message was understood: the annotator's answer is kept as training data, the
// correction is audited, exported for the eval, and confined to the agent's own workspace.
import { describe, expect, it } from "vitest";
import { apiMessage, createApiChannel, eventually, postSigned, type ChannelHandle } from "./channel-harness";
import { call, createHarness, createTenant, expectError, expectStatus, ownerQuery, type TenantHandle } from "./harness";

/** A conversation made the real way, waited on until the bot turn has annotated its message. */
async function annotated(t: TenantHandle, text: string, channel?: ChannelHandle) {
  // Plans cap channels per workspace: several conversations share one channel, one customer each.
  const ch = channel ?? (await createApiChannel(t, { debounce_ms: 200 }));
  const sent = apiMessage({ from: { id: `c-${crypto.randomUUID()}` }, text });
  expectStatus(await postSigned(ch, sent), 200);
  return eventually(async () => {
    const [stored] = await ownerQuery("select conversation_id from messages where channel_id = $1 and external_id = $2", [ch.id, sent.external_id]);
    if (!stored) throw new Error("message not stored yet");
    const msgs = await call("GET", `/v1/conversations/${stored.conversation_id}/messages`, { token: t.owner.token });
    const message = msgs.body.data.find((m: { direction: string; annotations?: unknown }) => m.direction === "inbound" && m.annotations);
    if (!message) throw new Error("not annotated yet");
    return { conversationId: stored.conversation_id as string, message, channel: ch };
  });
}

const patchPath = (conversationId: string, messageId: string) => `/v1/conversations/${conversationId}/messages/${messageId}/annotations`;

describe("correcting annotations", () => {
  it("corrects a message's intent, sentiment and priority, keeping the annotator's answer and auditing it", async () => {
    const t = await createTenant();
    const agent = await t.createUser("agent");
    const { conversationId, message } = await annotated(t, "How do I change my delivery address?");
    const before = message.annotations;
    // Choose values the annotator did not, so the assertion shows the write happened.
    const priority = before.priority === "P0" ? "P3" : "P0";
    const sentiment = before.sentiment.label === "angry" ? "positive" : "angry";

    const res = await call("PATCH", patchPath(conversationId, message.id), { token: agent.token, body: { intent: "delivery_change", sentiment, priority } });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ id: message.id, annotations: { intent: "delivery_change", sentiment: { label: sentiment }, priority, language: before.language, corrected: true } });

    const [row] = await ownerQuery("select intent, priority, original, corrected_by, corrected_at from message_annotations where message_id = $1", [message.id]);
    expect(row).toMatchObject({ intent: "delivery_change", priority, corrected_by: agent.userId });
    expect(row.corrected_at).not.toBeNull();
    expect(row.original).toMatchObject({ intent: before.intent, priority: before.priority, language: before.language, sentiment: { label: before.sentiment.label } });

    const audit = await ownerQuery("select actor_id, entity_id, data from audit_log where tenant_id = $1 and action = 'annotation.corrected'", [t.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: agent.userId, entity_id: message.id, data: { to: { priority } } });

    // The conversation's latest understood message was this one: the inbox filter follows the agent.
    const conv = await call("GET", `/v1/conversations/${conversationId}`, { token: t.owner.token });
    expect(conv.body).toMatchObject({ priority, intent: "delivery_change" });
    const filtered = await call("GET", `/v1/conversations?priority=${priority}`, { token: t.owner.token });
    expect(filtered.body.data.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    const listed = await call("GET", `/v1/conversations/${conversationId}/messages`, { token: t.owner.token });
    expect(listed.body.data.find((m: { id: string }) => m.id === message.id).annotations).toMatchObject({ priority, corrected: true });
  });

  it("keeps the first original through a second correction", async () => {
    const t = await createTenant();
    const { conversationId, message } = await annotated(t, "I cannot log in to my account");
    const first = message.annotations;
    expectStatus(await call("PATCH", patchPath(conversationId, message.id), { token: t.owner.token, body: { intent: "account_access_issue", priority: "P1" } }), 200);
    const second = await call("PATCH", patchPath(conversationId, message.id), { token: t.owner.token, body: { priority: "P2", language: "en" } });
    expectStatus(second, 200);
    expect(second.body.annotations).toMatchObject({ intent: "account_access_issue", priority: "P2", language: "en" });
    const [row] = await ownerQuery("select original from message_annotations where message_id = $1", [message.id]);
    expect(row.original).toMatchObject({ intent: first.intent, priority: first.priority, language: first.language });
  });

  it("a later message's reading raises the conversation's priority but never lowers what a rule or an agent set", async () => {
    const t = await createTenant();
    const { conversationId, message, channel } = await annotated(t, "Hello, what are your opening hours?");
    expect(message.annotations.priority).not.toBe("P0");
    // As an automation rule's set_priority does.
    await ownerQuery("update conversations set priority = 'P1' where id = $1", [conversationId]);
    const customer = (await ownerQuery("select c.external_ids from conversations v join contacts c on c.id = v.contact_id where v.id = $1", [conversationId]))[0]!.external_ids;
    const from = Object.values(customer as Record<string, string>)[0]!;
    // A calm follow-up (read as P2 or P3) leaves P1 in place…
    expectStatus(await postSigned(channel, apiMessage({ from: { id: from }, text: "Thanks, and do you open on Sundays too?" })), 200);
    await eventually(async () => expect((await ownerQuery("select count(*)::int as n from message_annotations a join messages m on m.id = a.message_id where m.conversation_id = $1", [conversationId]))[0]!.n).toBe(2));
    expect((await call("GET", `/v1/conversations/${conversationId}`, { token: t.owner.token })).body.priority).toBe("P1");
    // …and an urgent one raises it.
    expectStatus(await postSigned(channel, apiMessage({ from: { id: from }, text: "URGENT: someone is using my card, fraud, block it now!" })), 200);
    await eventually(async () => expect((await call("GET", `/v1/conversations/${conversationId}`, { token: t.owner.token })).body.priority).toBe("P0"));
  });

  it("returns 404 for another tenant's conversation and for a message of another conversation", async () => {
    const { tenant, foreign } = await createHarness();
    const theirs = await annotated(foreign, "My payment failed twice");
    const foreignPatch = await call("PATCH", patchPath(theirs.conversationId, theirs.message.id), { token: tenant.owner.token, body: { priority: "P0" } });
    expectError(foreignPatch, 404, "NOT_FOUND");

    const mine = await annotated(tenant, "Where is my parcel?");
    const other = await annotated(tenant, "The app crashes when I open settings", mine.channel);
    const crossed = await call("PATCH", patchPath(mine.conversationId, other.message.id), { token: tenant.owner.token, body: { priority: "P0" } });
    expectError(crossed, 404, "NOT_FOUND");
    const rows = await ownerQuery("select corrected_at from message_annotations where message_id = any($1::uuid[])", [[theirs.message.id, other.message.id]]);
    expect(rows.map((r) => r.corrected_at)).toEqual([null, null]);
  });

  it("answers 400 naming the field for a bad value", async () => {
    const t = await createTenant();
    const { conversationId, message } = await annotated(t, "Thanks, that helped!");
    const path = patchPath(conversationId, message.id);
    for (const [body, field] of [
      [{ intent: "Not An Intent!" }, "intent"],
      [{ sentiment: "furious" }, "sentiment"],
      [{ priority: "P7" }, "priority"],
      [{ language: "english" }, "language"],
    ] as const) {
      const res = await call("PATCH", path, { token: t.owner.token, body });
      expectError(res, 400, "VALIDATION_FAILED");
      expect(res.body.error.field, JSON.stringify(res.body)).toBe(field);
    }
    expectError(await call("PATCH", path, { token: t.owner.token, body: {} }), 400, "VALIDATION_FAILED");
    const [row] = await ownerQuery("select corrected_at from message_annotations where message_id = $1", [message.id]);
    expect(row.corrected_at).toBeNull();
  });

  it("denies a viewer", async () => {
    const t = await createTenant();
    const viewer = await t.createUser("viewer");
    const { conversationId, message } = await annotated(t, "Hello, is anyone there?");
    expectError(await call("PATCH", patchPath(conversationId, message.id), { token: viewer.token, body: { priority: "P0" } }), 403, "FORBIDDEN");
    const [row] = await ownerQuery("select corrected_at from message_annotations where message_id = $1", [message.id]);
    expect(row.corrected_at).toBeNull();
  });

  it("exports corrections as training data, page by page, and only the workspace's own", async () => {
    const { tenant, foreign } = await createHarness();
    const a = await annotated(tenant, "I was charged twice for one order");
    const b = await annotated(tenant, "How do I reset my password?", a.channel);
    await annotated(tenant, "Just saying hi", a.channel);
    const f = await annotated(foreign, "Refund please");
    expectStatus(await call("PATCH", patchPath(f.conversationId, f.message.id), { token: foreign.owner.token, body: { priority: "P0" } }), 200);
    expectStatus(await call("PATCH", patchPath(a.conversationId, a.message.id), { token: tenant.owner.token, body: { intent: "transaction_system_failure", priority: "P1" } }), 200);
    expectStatus(await call("PATCH", patchPath(b.conversationId, b.message.id), { token: tenant.owner.token, body: { sentiment: "neutral" } }), 200);

    const first = await call("GET", "/v1/annotations/corrections?limit=1", { token: tenant.owner.token });
    expectStatus(first, 200);
    expect(first.body.data).toEqual([
      expect.objectContaining({ message_id: a.message.id, text: "I was charged twice for one order", intent: "transaction_system_failure", priority: "P1", language: a.message.annotations.language, sentiment: a.message.annotations.sentiment.label, original: expect.objectContaining({ intent: a.message.annotations.intent }) }),
    ]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await call("GET", `/v1/annotations/corrections?limit=1&cursor=${first.body.next_cursor}`, { token: tenant.owner.token });
    expectStatus(second, 200);
    expect(second.body.data.map((r: { message_id: string }) => r.message_id)).toEqual([b.message.id]);
    expect(second.body.data[0]).toMatchObject({ text: "How do I reset my password?", sentiment: "neutral" });
    expect(second.body.next_cursor).toBeNull();
  });
});
