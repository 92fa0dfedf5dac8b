import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { automationRules, conversations, messages, type AutomationTrigger } from "../../db/schema";
import { sharedRead } from "../../queues/batch-shared";
import type { HandlerContext, OutboxHandler } from "../../queues/outbox-consumer";
import { pgArray } from "../../knowledge/text";
import type { OutboxMessage } from "../../queues/outbox-relay";
import { refreshConversationSla, slaMayApplyToQuery } from "../sla/clocks";
import { scheduleTimers } from "../sla/policies";
import { runAutomation, type AutomationEvent, type SlaWake } from "./engine";
import { sendRuleWebhook } from "./webhook";

/**
 * Outbox consumers for SLA clocks and automation rules. Idempotent: the SLA refresh recomputes from
 * the conversation as it is, and each rule runs at most once per event (automation_runs' unique key).
 */

const ConversationPayload = z.object({ conversation_id: z.string().uuid() });
const MessagePayload = z.object({ message_id: z.string().uuid(), conversation_id: z.string().uuid() });

/** Re-clocks the conversation and hands its thread object the next wake-up. */
async function reclock(ctx: HandlerContext["ctx"], tenantId: string, conversationId: string): Promise<SlaWake[]> {
  const r = await ctx.db.scoped({ tenantId }, (tx) => refreshConversationSla(tx, tenantId, conversationId));
  return r ? [{ threadKey: r.facts.threadKey, conversationId, at: r.nextCheckAt }] : [];
}

async function wake(ctx: Parameters<OutboxHandler>[0]["ctx"], tenantId: string, wakes: SlaWake[]) {
  // The latest wake-up per conversation wins (a rule's action may have moved the one computed first).
  const last = new Map(wakes.map((w) => [w.conversationId, w]));
  await scheduleTimers(ctx, tenantId, [...last.values()]);
}

/** What an event can set in motion (see whatApplies). */
interface Applies {
  clocked: boolean;
  triggers: Set<AutomationTrigger>;
  first: boolean;
}

/** The events whose handlers ask what applies, and what each asks about. */
const ASKS: Record<string, (e: OutboxMessage) => { conversationId: string; triggers: AutomationTrigger[]; messageId?: string } | undefined> = {
  "message.received": (e) => {
    const p = MessagePayload.safeParse(e.payload);
    return p.success ? { conversationId: p.data.conversation_id, triggers: ["conversation.created", "message.received"], messageId: p.data.message_id } : undefined;
  },
  "conversation.state_changed": (e) => {
    const p = ConversationPayload.safeParse(e.payload);
    return p.success ? { conversationId: p.data.conversation_id, triggers: ["conversation.state_changed"] } : undefined;
  },
  "conversation.assigned": (e) => {
    const p = ConversationPayload.safeParse(e.payload);
    return p.success ? { conversationId: p.data.conversation_id, triggers: ["conversation.assigned"] } : undefined;
  },
};

/**
 * What events can set in motion, read in one round trip before anything is locked: which of their
 * conversations can have an SLA clock, which of their triggers have enabled rules, and which of their
 * messages are their conversation's first. A workspace without rules or policies stops here; the
 * transactions after it still decide everything for the ones that have them.
 */
async function readApplies(ctx: HandlerContext["ctx"], tenantId: string, asks: Array<{ conversationId: string; triggers: AutomationTrigger[]; messageId?: string }>): Promise<Applies[]> {
  const conversationIds = [...new Set(asks.map((a) => a.conversationId))];
  const triggers = [...new Set(asks.flatMap((a) => a.triggers))];
  const messageIds = [...new Set(asks.flatMap((a) => (a.messageId ? [a.messageId] : [])))];
  const [clock, rules, firsts] = (await ctx.db.batch({ tenantId }, (q) => [
    q.execute(slaMayApplyToQuery(tenantId, conversationIds)),
    q
      .selectDistinct({ trigger: automationRules.trigger })
      .from(automationRules)
      .where(and(eq(automationRules.tenantId, tenantId), inArray(automationRules.trigger, triggers), eq(automationRules.enabled, true))),
    // Raw, with its aliases spelled out: in a one-table select Drizzle leaves columns unqualified, and
    // an unqualified column inside the subquery would name the subquery's own row (always "first").
    q.execute(
      sql`select o.id, not exists (select 1 from messages e where e.conversation_id = o.conversation_id and e.sequence < o.sequence) as first
        from messages o where o.id = any(${pgArray(messageIds)}::uuid[])`,
    ),
  ])) as unknown as [{ rows: Array<{ conversation_id: string }> }, Array<{ trigger: AutomationTrigger }>, { rows: Array<{ id: string; first: boolean }> }];
  const clocked = new Set(clock.rows.map((r) => r.conversation_id));
  const enabled = new Set(rules.map((r) => r.trigger));
  const first = new Set(firsts.rows.filter((r) => r.first).map((r) => r.id));
  return asks.map((a) => ({ clocked: clocked.has(a.conversationId), triggers: new Set(a.triggers.filter((t) => enabled.has(t))), first: a.messageId !== undefined && first.has(a.messageId) }));
}

/**
 * What applies to this event. Asked for every event of its delivery that asks (the same tenant's) at
 * once, the first time one of them asks: a delivery of many messages makes one read, not one each.
 * Reading early changes nothing that matters: rules and policies are decided again under lock below,
 * and a message's being first, or a conversation's clock, cannot change between the events of one
 * delivery (only a policy, created through the API, starts a clock).
 */
async function whatApplies(h: HandlerContext): Promise<Applies | undefined> {
  const { ctx, event, batch } = h;
  const own = ASKS[event.type]?.(event);
  if (!own) return undefined;
  const all = sharedRead(batch, `automation:applies:${event.tenant_id}`, async () => {
    const asked = (batch?.events ?? [event]).flatMap((e) => {
      const a = e.tenant_id === event.tenant_id ? ASKS[e.type]?.(e) : undefined;
      return a ? [{ id: e.id, ask: a }] : [];
    });
    const applies = await readApplies(
      ctx,
      event.tenant_id,
      asked.map((a) => a.ask),
    );
    return new Map(asked.map((a, i) => [a.id, applies[i]!]));
  });
  // A failed shared read is this event's failure (it retries alone); one missing from it is read alone.
  return (await all).get(event.id) ?? (await readApplies(ctx, event.tenant_id, [own]))[0];
}

/** `message.received` → the SLA clock (a customer turn starts or continues), then rules; the first message also runs `conversation.created` rules. */
export const onMessageReceived: OutboxHandler = async (h) => {
  const { ctx, event } = h;
  const p = MessagePayload.safeParse(event.payload);
  if (!p.success) return;
  const tenantId = event.tenant_id;
  const applies = (await whatApplies(h))!;
  const wakes = applies.clocked ? await reclock(ctx, tenantId, p.data.conversation_id) : [];
  const base = { conversationId: p.data.conversation_id, messageId: p.data.message_id, payload: event.payload };
  if (applies.first && applies.triggers.has("conversation.created")) wakes.push(...(await runAutomation(ctx, tenantId, { ...base, trigger: "conversation.created", eventId: `${event.id}:created` })));
  if (applies.triggers.has("message.received")) wakes.push(...(await runAutomation(ctx, tenantId, { ...base, trigger: "message.received", eventId: event.id })));
  await wake(ctx, tenantId, wakes);
};

/** `conversation.state_changed` / `conversation.assigned` → the clock pauses, resumes or stops; then rules. */
export const onConversationChanged: OutboxHandler = async (h) => {
  const { ctx, event } = h;
  const p = ConversationPayload.safeParse(event.payload);
  if (!p.success) return;
  const tenantId = event.tenant_id;
  const trigger = event.type === "conversation.assigned" ? "conversation.assigned" : "conversation.state_changed";
  const applies = (await whatApplies(h))!;
  const wakes = applies.clocked ? await reclock(ctx, tenantId, p.data.conversation_id) : [];
  if (applies.triggers.has(trigger)) wakes.push(...(await runAutomation(ctx, tenantId, { trigger, eventId: event.id, conversationId: p.data.conversation_id, payload: event.payload })));
  await wake(ctx, tenantId, wakes);
};

/** `sla.warning` / `sla.breached` → rules (raise the priority, note it, tell a team ...). */
export const onSlaEvent: OutboxHandler = async ({ ctx, event }) => {
  const p = ConversationPayload.safeParse(event.payload);
  if (!p.success) return;
  const trigger = event.type === "sla.breached" ? "sla.breached" : "sla.warning";
  const wakes = await runAutomation(ctx, event.tenant_id, { trigger, eventId: event.id, conversationId: p.data.conversation_id, payload: event.payload });
  await wake(ctx, event.tenant_id, wakes);
};

/** `contact.updated` → `customer.updated` rules, on the customer's latest open conversation (if any). */
export const onContactUpdated: OutboxHandler = async ({ ctx, event }) => {
  const p = z.object({ contact_id: z.string().uuid() }).safeParse(event.payload);
  if (!p.success) return;
  const tenantId = event.tenant_id;
  const conversationId = await ctx.db.scoped({ tenantId }, async (tx) => {
    // Most workspaces have no such rule: skip the lookup then.
    const [any] = await tx.select({ id: automationRules.id }).from(automationRules).where(and(eq(automationRules.trigger, "customer.updated"), eq(automationRules.enabled, true))).limit(1);
    if (!any) return undefined;
    const [conv] = await tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.contactId, p.data.contact_id), ne(conversations.state, "resolved"))).orderBy(desc(conversations.createdAt)).limit(1);
    return conv?.id ?? null;
  });
  if (conversationId === undefined) return;
  const input: AutomationEvent = { trigger: "customer.updated", eventId: event.id, conversationId, contactId: p.data.contact_id, payload: event.payload };
  await wake(ctx, tenantId, await runAutomation(ctx, tenantId, input));
};

/** `automation.webhook` → the signed POST (retried by the queue on failure). */
export const onAutomationWebhook: OutboxHandler = (h) => sendRuleWebhook(h);
