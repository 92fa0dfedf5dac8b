import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { apiMessage, createApiChannel, eventually, postSigned, threadOf } from "./channel-harness";
import { Database } from "../src/db/client";
import { loadConfig } from "../src/env";
import { createLogger } from "../src/lib/log";
import { summarizeOnResolve } from "../src/services/escalations/summary";
import { call, createTenant, expectStatus, ownerQuery } from "./harness";

async function botReplies(channelId: string) {
  return ownerQuery("select id, text, status, conversation_id from messages where channel_id = $1 and sender_type = 'bot' order by sequence", [channelId]);
}

async function onlyConversation(channelId: string) {
  return eventually(async () => {
    const rows = await ownerQuery("select * from conversations where channel_id = $1", [channelId]);
    expect(rows).toHaveLength(1);
    return rows[0];
  });
}

describe("the conversation brain", () => {
  it("answers a Spanish message once, in Spanish, however often the message is delivered", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 200 });
    const msg = apiMessage({ from: { id: "cliente-1", name: "Lucía" }, text: "Hola, buenas tardes. Tengo una pregunta sobre mi pedido" });
    const results = await Promise.all(Array.from({ length: 5 }, () => postSigned(ch, msg)));
    for (const r of results) expectStatus(r, 200);
    const [reply] = await eventually(async () => {
      const rows = await botReplies(ch.id);
      expect(rows.length).toBeGreaterThanOrEqual(1);
      return rows;
    });
    expect(reply.text).toMatch(/hola|gracias|ayud/i);
    await new Promise((r) => setTimeout(r, 1500));
    const replies = await botReplies(ch.id);
    // One turn for the one group: however many replies the flow's greeting is, each was written once.
    const turns = await ownerQuery("select count(*)::int as n from processed_events where tenant_id = $1 and consumer = 'bot.turn'", [t.id]);
    expect(turns[0].n).toBe(1);
    expect(new Set(replies.map((r) => r.text)).size).toBe(replies.length);
    const conv = await onlyConversation(ch.id);
    expect(conv.language).toBe("es");
    expect(conv.flow_id).not.toBeNull();
    // The message is shown understood.
    const msgs = await call("GET", `/v1/conversations/${conv.id}/messages`, { token: t.owner.token });
    expectStatus(msgs, 200);
    const inbound = msgs.body.data.find((m: { direction: string }) => m.direction === "inbound");
    expect(inbound.annotations).toMatchObject({ language: "es", source: expect.any(String) });
    expect(["P0", "P1", "P2", "P3"]).toContain(inbound.annotations.priority);
    // Every step left an action log row.
    const log = await ownerQuery("select node_type from flow_action_logs where tenant_id = $1", [t.id]);
    expect(log.length).toBeGreaterThan(0);
  });

  it("escalates at once when the customer asks for a person, with a summary for the agent", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 200 });
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "cliente-2" }, text: "quiero hablar con una persona" })), 200);
    const conv = await eventually(async () => {
      const c = await onlyConversation(ch.id);
      expect(c.state).toBe("escalated");
      return c;
    });
    expect(conv.escalation_summary).toBeTruthy();
    const escalations = await ownerQuery("select reason, summary, status from escalations where conversation_id = $1", [conv.id]);
    expect(escalations).toHaveLength(1);
    const summary = await ownerQuery("select summary, language from call_summaries where conversation_id = $1", [conv.id]);
    expect(summary).toHaveLength(1);
    const api = await call("GET", `/v1/conversations/${conv.id}`, { token: t.owner.token });
    expect(api.body).toMatchObject({ state: "escalated", escalation_summary: expect.any(String) });
    // Handed over: the next message gets no bot answer.
    const before = (await botReplies(ch.id)).length;
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "cliente-2" }, text: "¿hola? ¿hay alguien?" })), 200);
    await eventually(async () => expect((await ownerQuery("select count(*)::int as n from processed_events where tenant_id = $1 and consumer = 'bot.turn'", [t.id]))[0].n).toBe(2));
    expect(await botReplies(ch.id)).toHaveLength(before);
  });

  it("hands over mid-question with a summary that starts where the conversation did", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 200 });
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "cliente-5" }, text: "¿cuánto cuesta el envío a Lima?" })), 200);
    // No knowledge yet: the bot offers a person and waits for the answer.
    await eventually(async () => expect((await botReplies(ch.id)).map((r: { text: string }) => r.text).join("\n")).toContain("¿Quieres hablar con una persona?"));
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "cliente-5" }, text: "quiero hablar con una persona" })), 200);
    const conv = await eventually(async () => {
      const c = await onlyConversation(ch.id);
      expect(c.state).toBe("escalated");
      return c;
    });
    expect(conv.escalation_summary).toContain("¿cuánto cuesta el envío a Lima?");
    const [escalation] = await ownerQuery("select summary from escalations where conversation_id = $1", [conv.id]);
    expect(escalation.summary).toBe("¿cuánto cuesta el envío a Lima?\nquiero hablar con una persona");
    const [summary] = await ownerQuery("select summary, key_points from call_summaries where conversation_id = $1", [conv.id]);
    expect(summary.summary).toContain("¿cuánto cuesta el envío a Lima?");
    expect(summary.key_points).toEqual(["¿cuánto cuesta el envío a Lima?", "quiero hablar con una persona"]);
  });

  it("a flow that ends summarizes the whole conversation, led by why the customer wrote, not by the greeting", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 200 });
    const say = async (text: string, replies: number) => {
      expectStatus(await postSigned(ch, apiMessage({ from: { id: "cliente-6" }, text })), 200);
      await eventually(async () => expect((await botReplies(ch.id)).length).toBeGreaterThanOrEqual(replies));
    };
    await say("Hola", 1);
    // A bare greeting ends its turn: the summary so far is the greeting itself.
    const [first] = await eventually(async () => {
      const rows = await ownerQuery("select summary from call_summaries where tenant_id = $1", [t.id]);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(first.summary).toContain("Hola");
    await say("¿cuánto cuesta el envío a Lima?", 2);
    // No knowledge: the bot offers a person; "no" ends the flow, and the summary reads all three messages.
    await say("no", 3);
    const [summary] = await eventually(async () => {
      const rows = await ownerQuery("select summary, key_points, resolution_detected from call_summaries where tenant_id = $1", [t.id]);
      expect(rows[0].key_points).toHaveLength(3);
      return rows;
    });
    expect(summary.summary).toMatch(/^(.+: )?¿cuánto cuesta el envío a Lima\? \(\+2 more messages\)$/);
    expect(summary.key_points).toEqual(["Hola", "¿cuánto cuesta el envío a Lima?", "no"]);
    // The run that ended with the greeting kept what it learned: the question got no second greeting.
    const texts = (await botReplies(ch.id)).map((r: { text: string }) => r.text);
    expect(texts).toHaveLength(3);
    expect(texts.filter((x: string) => x.startsWith("¡Hola!"))).toHaveLength(1);
    expect(texts[1]).toContain("¿Quieres hablar con una persona?");
  });

  it("a conversation an agent resolves gets its call summary, with what was done in it", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 200 });
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "cliente-7" }, text: "Hola" })), 200);
    await eventually(async () => expect((await botReplies(ch.id)).length).toBeGreaterThanOrEqual(1));
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "cliente-7" }, text: "My order ORD-5512 never arrived, can you check it?" })), 200);
    await eventually(async () => expect((await botReplies(ch.id)).length).toBeGreaterThanOrEqual(2));
    const conv = await onlyConversation(ch.id);
    const ticket = await call("POST", "/v1/tickets", { token: t.owner.token, body: { title: "Order ORD-5512 lost", conversation_id: conv.id } });
    expectStatus(ticket, 201);
    expectStatus(await call("PATCH", `/v1/conversations/${conv.id}`, { token: t.owner.token, body: { state: "resolved" } }), 200);
    const got = await eventually(async () => {
      const res = await call("GET", `/v1/conversations/${conv.id}`, { token: t.owner.token });
      expect(res.body.call_summary?.action_items).toHaveLength(1);
      return res.body.call_summary;
    });
    expect(got.summary).toMatch(/My order ORD-5512 never arrived, can you check it\? \(\+1 more message\)$/);
    expect(got.key_points).toEqual(["Hola", "My order ORD-5512 never arrived, can you check it?"]);
    expect(got.action_items).toEqual([`Ticket ${ticket.body.ticket_number} (open): Order ORD-5512 lost`]);
    expect(got.resolution_detected).toBe(true);
    expect(got.language).toBe("en");
    // Another workspace sees neither the conversation nor its summary.
    const other = await createTenant();
    expectStatus(await call("GET", `/v1/conversations/${conv.id}`, { token: other.owner.token }), 404);

    // A redelivered event writes the same summary again; one for a conversation reopened since, or
    // named under another workspace, writes nothing.
    const config = loadConfig(env as never);
    const ctx = { requestId: "test", config, env: env as never, db: new Database(config), log: createLogger({}, true), actor: { type: "system" as const, name: "test" } };
    const event = (tenantId: string) => ({ id: crypto.randomUUID(), tenant_id: tenantId, type: "conversation.state_changed", aggregate_type: "conversation", aggregate_id: conv.id, payload: { conversation_id: conv.id, from: "awaiting_customer", to: "resolved" }, created_at: new Date().toISOString() });
    const rows = () => ownerQuery("select summary, key_points, action_items, updated_at from call_summaries where conversation_id = $1", [conv.id]);
    const [before] = await rows();
    await summarizeOnResolve({ ctx: { ...ctx, tenantId: t.id }, event: event(t.id) });
    const [again] = await rows();
    expect({ ...again, updated_at: undefined }).toEqual({ ...before, updated_at: undefined });
    await summarizeOnResolve({ ctx: { ...ctx, tenantId: other.id }, event: event(other.id) });
    expect(await rows()).toHaveLength(1);
    expectStatus(await call("PATCH", `/v1/conversations/${conv.id}`, { token: t.owner.token, body: { state: "reopened" } }), 200);
    await ownerQuery("update call_summaries set summary = 'kept' where conversation_id = $1", [conv.id]);
    await summarizeOnResolve({ ctx: { ...ctx, tenantId: t.id }, event: event(t.id) });
    expect((await rows())[0].summary).toBe("kept");
  });

  it("stays quiet once an agent has replied", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 200 });
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "c-3" }, text: "Hello, I have a question about pricing" })), 200);
    await eventually(async () => expect((await botReplies(ch.id)).length).toBeGreaterThan(0));
    const conv = await onlyConversation(ch.id);
    expectStatus(await call("POST", `/v1/conversations/${conv.id}/messages`, { token: t.owner.token, body: { content: "Hi! I'm Sam from the team." } }), 202);
    const before = (await botReplies(ch.id)).length;
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "c-3" }, text: "Thanks Sam, what does the pro plan cost?" })), 200);
    await eventually(async () => expect((await ownerQuery("select count(*)::int as n from processed_events where tenant_id = $1 and consumer = 'bot.turn'", [t.id]))[0].n).toBe(2));
    expect(await botReplies(ch.id)).toHaveLength(before);
    const api = await call("GET", `/v1/conversations/${conv.id}`, { token: t.owner.token });
    expect(api.body.bot_paused).toBe(true);
  });

  it("changes nothing when a group's turn is asked for again", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 200 });
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "c-4" }, text: "Bonjour, je voudrais des informations" })), 200);
    await eventually(async () => expect((await botReplies(ch.id)).length).toBeGreaterThan(0));
    const replies = (await botReplies(ch.id)).length;
    const [group] = await ownerQuery("select id, conversation_id, message_ids from message_groups where channel_id = $1", [ch.id]);
    const again = await threadOf(t.id, ch.id, "c-4").runBot({ group_id: group.id, conversation_id: group.conversation_id, message_ids: group.message_ids });
    expect(again).toBe("already");
    expect(await botReplies(ch.id)).toHaveLength(replies);
  });
});

describe("the brain on a provider channel, with versions and timers", () => {
  it("sends the bot's answer to the provider once for five concurrent deliveries of one message", async () => {
    const { createChannel, providerAccount, providerRequests, registerAccount } = await import("./channels-fixtures");
    const t = await createTenant();
    const { channel, body } = await createChannel(t, "telegram");
    await ownerQuery("update channels set debounce_ms = 200 where id = $1", [channel.id]);
    const account = providerAccount("telegram", body.credentials!);
    await registerAccount(account);
    const update = JSON.stringify({ update_id: 77001, message: { message_id: 501, from: { id: 4242, is_bot: false, first_name: "Ana", language_code: "es" }, chat: { id: 4242, type: "private" }, date: Math.floor(Date.now() / 1000), text: "Hola, necesito ayuda con mi cuenta por favor" } });
    const path = new URL(channel.webhook_url).pathname;
    const results = await Promise.all(Array.from({ length: 5 }, () => call("POST", path, { rawBody: update, headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": body.credentials!.secret_token! } })));
    for (const r of results) expectStatus(r, 200);
    const replies = await eventually(async () => {
      const rows = await ownerQuery("select id, text, status from messages where channel_id = $1 and sender_type = 'bot' order by sequence", [channel.id]);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.status === "sent")).toBe(true);
      return rows;
    }, 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    const sent = (await providerRequests(account)).filter((r) => r.path.endsWith("/sendMessage"));
    expect(sent).toHaveLength(replies.length);
    expect(sent.map((r) => JSON.parse(r.body).text)).toEqual(replies.map((r) => r.text));
  });

  it("loses no reply and sends none twice when the thread stops right after the bot's commit", async () => {
    const { createChannel, providerAccount, providerRequests, registerAccount } = await import("./channels-fixtures");
    const { sweepOutbox } = await import("../src/queues/outbox-relay");
    const { Database } = await import("../src/db/client");
    const { loadConfig } = await import("../src/env");
    const t = await createTenant();
    const { channel, body } = await createChannel(t, "telegram");
    await ownerQuery("update channels set debounce_ms = 200 where id = $1", [channel.id]);
    const account = providerAccount("telegram", body.credentials!);
    await registerAccount(account);
    const thread = threadOf(t.id, channel.id, "5151");
    await thread.injectFault("afterBotCommit", 1);
    // A bare greeting: the default flow greets and waits, so the turn commits in one round trip.
    const update = JSON.stringify({ update_id: 77101, message: { message_id: 601, from: { id: 5151, is_bot: false, first_name: "Rui" }, chat: { id: 5151, type: "private" }, date: Math.floor(Date.now() / 1000), text: "Olá" } });
    const path = new URL(channel.webhook_url).pathname;
    expectStatus(await call("POST", path, { rawBody: update, headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": body.credentials!.secret_token! } }), 200);
    await eventually(async () => expect((await thread.faultsFired()).afterBotCommit).toBe(1), 20_000);
    const [reply] = await eventually(async () => {
      const rows = await botReplies(channel.id);
      expect(rows).toHaveLength(1);
      return rows;
    });
    // Asked again (the queued event's redelivery does the same): the commit's claim is taken, so nothing more is written.
    const [group] = await ownerQuery("select id, conversation_id, message_ids from message_groups where channel_id = $1", [channel.id]);
    expect(await thread.runBot({ group_id: group.id, conversation_id: group.conversation_id, message_ids: group.message_ids })).toBe("already");
    expect(await botReplies(channel.id)).toHaveLength(1);
    // The object stopped before it sent the reply: its event is still unpublished, held out of the
    // sweep's reach for the minute the object's own send could take; once that is over, the sweep sends it.
    const [held] = await ownerQuery("select available_at > now() + interval '30 seconds' as held from outbox_events where type = 'message.outbound' and aggregate_id = $1 and published_at is null", [reply.id]);
    expect(held.held).toBe(true);
    await ownerQuery("update outbox_events set available_at = now() where type = 'message.outbound' and aggregate_id = $1", [reply.id]);
    const db = new Database(loadConfig(env as never));
    try {
      await eventually(async () => {
        await sweepOutbox(db, env as never, 0);
        const [row] = await ownerQuery("select status from messages where id = $1", [reply.id]);
        expect(row.status).toBe("sent");
      }, 20_000);
    } finally {
      await db.close();
    }
    await new Promise((r) => setTimeout(r, 1000));
    const sent = (await providerRequests(account)).filter((r) => r.path.endsWith("/sendMessage"));
    expect(sent.map((r) => JSON.parse(r.body).text)).toEqual([reply.text]);
  });

  it("hands the reply to the queue when its send from the thread fails, and it goes out once", async () => {
    const { createChannel, failNext, providerAccount, providerRequests, registerAccount } = await import("./channels-fixtures");
    const t = await createTenant();
    const { channel, body } = await createChannel(t, "telegram");
    await ownerQuery("update channels set debounce_ms = 200 where id = $1", [channel.id]);
    const account = providerAccount("telegram", body.credentials!);
    await registerAccount(account);
    // The thread object's own send meets a provider outage; the queue's retry finds it answering.
    await failNext(account, 500, 1);
    const update = JSON.stringify({ update_id: 77201, message: { message_id: 701, from: { id: 6161, is_bot: false, first_name: "Eva" }, chat: { id: 6161, type: "private" }, date: Math.floor(Date.now() / 1000), text: "Hallo" } });
    const path = new URL(channel.webhook_url).pathname;
    expectStatus(await call("POST", path, { rawBody: update, headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": body.credentials!.secret_token! } }), 200);
    const [reply] = await eventually(async () => {
      const rows = await botReplies(channel.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].status).toBe("sent");
      return rows;
    }, 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    const sends = (await providerRequests(account)).filter((r) => r.path.endsWith("/sendMessage"));
    expect(sends.map((r) => [r.status, JSON.parse(r.body).text])).toEqual([
      [500, reply.text],
      [200, reply.text],
    ]);
    const [event] = await ownerQuery("select published_at from outbox_events where type = 'message.outbound' and aggregate_id = $1", [reply.id]);
    expect(event.published_at).not.toBeNull();
  });

  it("runs a channel's own published flow, and its ask times out on a durable timer", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 200 });
    const definition = {
      start: "ask_order",
      nodes: {
        ask_order: { type: "ask", text: "What is your order number?", save_as: "order", timeout_s: 1, next: "thanks", on_timeout: "nudge" },
        thanks: { type: "message", text: "Thanks, looking up {{vars.order}}.", next: "done" },
        nudge: { type: "message", text: "Still there? Write your order number when you can.", next: "done" },
        done: { type: "end" },
      },
    };
    const created = await call("POST", "/v1/flows", { token: t.owner.token, body: { name: "Order lookup", definition } });
    expectStatus(created, 201);
    expectStatus(await call("POST", `/v1/flows/${created.body.id}/publish`, { token: t.owner.token, body: {} }), 200);
    expectStatus(await call("PATCH", `/v1/channels/${ch.id}`, { token: t.owner.token, body: { flow_id: created.body.id } }), 200);
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "c-timer" }, text: "hi" })), 200);
    await eventually(async () => expect((await botReplies(ch.id)).map((r) => r.text)).toEqual(["What is your order number?"]));
    // Nobody answers: the timer, kept in the thread object's storage, fires the ask's on_timeout.
    await eventually(async () => expect((await botReplies(ch.id)).map((r) => r.text)).toEqual(["What is your order number?", "Still there? Write your order number when you can."]), 15_000);
    const [conv] = await ownerQuery("select flow_id, flow_version from conversations where channel_id = $1", [ch.id]);
    expect(conv).toMatchObject({ flow_id: created.body.id, flow_version: 1 });
  });

  it("answers a conversation under way from the version it started on after a newer one is published", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 200 });
    const version = (thanks: string) => ({
      start: "ask_order",
      nodes: {
        ask_order: { type: "ask", text: "What is your order number?", save_as: "order", next: "thanks" },
        thanks: { type: "message", text: thanks, next: "done" },
        done: { type: "end" },
      },
    });
    const created = await call("POST", "/v1/flows", { token: t.owner.token, body: { name: "Order lookup", definition: version("Thanks (v1), looking up {{vars.order}}.") } });
    expectStatus(created, 201);
    expectStatus(await call("POST", `/v1/flows/${created.body.id}/publish`, { token: t.owner.token, body: {} }), 200);
    expectStatus(await call("PATCH", `/v1/channels/${ch.id}`, { token: t.owner.token, body: { flow_id: created.body.id } }), 200);
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "c-pinned" }, text: "hi" })), 200);
    await eventually(async () => expect((await botReplies(ch.id)).map((r) => r.text)).toEqual(["What is your order number?"]));
    expectStatus(await call("PUT", `/v1/flows/${created.body.id}`, { token: t.owner.token, body: { definition: version("Thanks (v2), looking up {{vars.order}}.") } }), 200);
    expectStatus(await call("POST", `/v1/flows/${created.body.id}/publish`, { token: t.owner.token, body: {} }), 200);
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "c-pinned" }, text: "A-1234" })), 200);
    await eventually(async () => expect((await botReplies(ch.id)).map((r) => r.text)).toEqual(["What is your order number?", "Thanks (v1), looking up A-1234."]));
    const [conv] = await ownerQuery("select flow_version from conversations where channel_id = $1", [ch.id]);
    expect(conv.flow_version).toBe(1);
  });

  it("writes nothing for a stale group's turn once a newer group has closed", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t, { debounce_ms: 200 });
    expectStatus(await postSigned(ch, apiMessage({ from: { id: "c-stale" }, text: "Hello there, I need help" })), 200);
    await eventually(async () => expect((await botReplies(ch.id)).length).toBeGreaterThan(0));
    const before = (await botReplies(ch.id)).length;
    const [group] = await ownerQuery("select conversation_id, message_ids from message_groups where channel_id = $1", [ch.id]);
    const stale = await threadOf(t.id, ch.id, "c-stale").runBot({ group_id: crypto.randomUUID(), conversation_id: group.conversation_id, message_ids: group.message_ids });
    expect(stale).toBe("superseded");
    expect(await botReplies(ch.id)).toHaveLength(before);
  });
});
