import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { automationRules, conversations, messages, type AutomationTrigger } from "../../db/schema";
import type { OutboxHandler } from "../../queues/outbox-consumer";
import { refreshConversationSla, slaMayApplyQuery } from "../sla/clocks";
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
async function reclock(ctx: Parameters<OutboxHandler>[0]["ctx"], tenantId: string, conversationId: string): Promise<SlaWake[]> {
  const r = await ctx.db.scoped({ tenantId }, (tx) => refreshConversationSla(tx, tenantId, conversationId));
  return r ? [{ threadKey: r.facts.threadKey, conversationId, at: r.nextCheckAt }] : [];
}

async function wake(ctx: Parameters<OutboxHandler>[0]["ctx"], tenantId: string, wakes: SlaWake[]) {
  // The latest wake-up per conversation wins (a rule's action may have moved the one computed first).
  const last = new Map(wakes.map((w) => [w.conversationId, w]));
  await scheduleTimers(ctx, tenantId, [...last.values()]);
}

/**
 * What an event can set in motion, read in one round trip before anything is locked: whether the
 * conversation can have an SLA clock, which of `triggers` have enabled rules, and (for a message)
 * whether it is the conversation's first. A workspace without rules or policies stops here; the
 * transactions below still decide everything for the ones that have them.
 */
async function whatApplies(ctx: Parameters<OutboxHandler>[0]["ctx"], tenantId: string, conversationId: string, triggers: AutomationTrigger[], messageId?: string) {
  const [clock, rules, first] = (await ctx.db.batch({ tenantId }, (q) => [
    q.execute(slaMayApplyQuery(tenantId, conversationId)),
    q
      .selectDistinct({ trigger: automationRules.trigger })
      .from(automationRules)
      .where(and(eq(automationRules.tenantId, tenantId), inArray(automationRules.trigger, triggers), eq(automationRules.enabled, true))),
    q
      .select({ first: sql<boolean>`not exists (select 1 from ${messages} m where m.conversation_id = ${messages.conversationId} and m.sequence < ${messages.sequence})` })
      .from(messages)
      .where(messageId ? eq(messages.id, messageId) : sql`false`),
  ])) as unknown as [{ rows: Array<{ clocked: boolean }> }, Array<{ trigger: AutomationTrigger }>, Array<{ first: boolean }>];
  return { clocked: clock.rows[0]?.clocked === true, triggers: new Set(rules.map((r) => r.trigger)), first: first[0]?.first === true };
}

/** `message.received` → the SLA clock (a customer turn starts or continues), then rules; the first message also runs `conversation.created` rules. */
export const onMessageReceived: OutboxHandler = async ({ ctx, event }) => {
  const p = MessagePayload.safeParse(event.payload);
  if (!p.success) return;
  const tenantId = event.tenant_id;
  const applies = await whatApplies(ctx, tenantId, p.data.conversation_id, ["conversation.created", "message.received"], p.data.message_id);
  const wakes = applies.clocked ? await reclock(ctx, tenantId, p.data.conversation_id) : [];
  const base = { conversationId: p.data.conversation_id, messageId: p.data.message_id, payload: event.payload };
  if (applies.first && applies.triggers.has("conversation.created")) wakes.push(...(await runAutomation(ctx, tenantId, { ...base, trigger: "conversation.created", eventId: `${event.id}:created` })));
  if (applies.triggers.has("message.received")) wakes.push(...(await runAutomation(ctx, tenantId, { ...base, trigger: "message.received", eventId: event.id })));
  await wake(ctx, tenantId, wakes);
};

/** `conversation.state_changed` / `conversation.assigned` → the clock pauses, resumes or stops; then rules. */
export const onConversationChanged: OutboxHandler = async ({ ctx, event }) => {
  const p = ConversationPayload.safeParse(event.payload);
  if (!p.success) return;
  const tenantId = event.tenant_id;
  const trigger = event.type === "conversation.assigned" ? "conversation.assigned" : "conversation.state_changed";
  const applies = await whatApplies(ctx, tenantId, p.data.conversation_id, [trigger]);
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
