import { and, asc, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { automationCooldowns, automationRules, automationRuns, channels, contacts, conversationLabels, conversations, messages, type AutomationTrigger } from "../../db/schema";
import { evaluateCondition, type ConditionScope } from "../../flows/conditions";
import type { Condition } from "../../flows/definition";
import { publishOutbox } from "../../queues/outbox-relay";
import type { ServiceContext } from "../context";
import { refreshConversationSla } from "../sla/clocks";
import { runAction, type ActionOutcome } from "./actions";
import { ActionSchema } from "./model";

type RuleRow = typeof automationRules.$inferSelect;

export interface AutomationEvent {
  trigger: AutomationTrigger;
  /** The outbox event id: a rule runs at most once per event (automation_runs' unique key). */
  eventId: string;
  conversationId: string | null;
  contactId?: string | null;
  messageId?: string | null;
  payload: Record<string, unknown>;
}

/** A conversation whose SLA clock an action changed: its thread object must learn the new wake-up. */
export interface SlaWake {
  threadKey: string;
  conversationId: string;
  at: number | null;
}

/**
 * Runs a workspace's enabled rules for one event, lowest priority number first. Each rule runs in its
 * own transaction: its conditions (the flows' condition language), its cooldown claim, then its actions
 * in order inside a savepoint — a failing action rolls back that rule's actions and is logged as a
 * failed run, never half-applied. A run that `stop_processing` ends the event's rules, also on
 * redelivery (the stored run says so). Returns SLA wake-ups to hand to thread objects after commit.
 */
export async function runAutomation(ctx: ServiceContext, tenantId: string, event: AutomationEvent): Promise<SlaWake[]> {
  const rules = await ctx.db.scoped({ tenantId }, (tx) =>
    tx
      .select()
      .from(automationRules)
      .where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.trigger, event.trigger), eq(automationRules.enabled, true)))
      .orderBy(asc(automationRules.priority), asc(automationRules.createdAt), asc(automationRules.id)),
  );
  const wakes: SlaWake[] = [];
  let acted = false;
  for (const rule of rules) {
    const outcome = await ctx.db.scoped({ tenantId }, (tx) => runRule(tx, tenantId, rule, event));
    if (outcome.wake) wakes.push(outcome.wake);
    acted ||= outcome.acted;
    if (outcome.stop) break;
  }
  // What the actions emitted (a message to send, a webhook, a state change) goes out now, not at the
  // next outbox sweep; if this fails the sweep still sends it.
  if (acted) await publishOutbox(ctx.db, ctx.env, tenantId).catch((err) => ctx.log.warn("automation: publishing failed; the sweep will", { error: String(err) }));
  return wakes;
}

async function runRule(tx: Tx, tenantId: string, rule: RuleRow, event: AutomationEvent): Promise<{ stop: boolean; acted: boolean; wake?: SlaWake }> {
  const [done] = await tx.select({ status: automationRuns.status }).from(automationRuns).where(and(eq(automationRuns.ruleId, rule.id), eq(automationRuns.eventId, event.eventId)));
  if (done) return { stop: done.status === "succeeded" && rule.stopProcessing, acted: false };
  const loaded = await loadScope(tx, tenantId, event);
  if (rule.conditions !== null && rule.conditions !== undefined && !evaluateCondition(rule.conditions as Condition, loaded.scope as unknown as ConditionScope)) return { stop: false, acted: false };

  const runId = crypto.randomUUID();
  const base = { id: runId, tenantId, ruleId: rule.id, eventId: event.eventId, eventType: event.trigger, conversationId: loaded.conversation?.id ?? null };
  if (rule.cooldownS > 0) {
    const key = rule.cooldownKey === "rule" ? "rule" : rule.cooldownKey === "contact" ? (loaded.contactId ?? "none") : (loaded.conversation?.id ?? "none");
    // The claim holds under concurrent events: the row lock serializes them, and only the one that
    // finds the cooldown over (or absent) gets a row back.
    const claimed = await tx
      .insert(automationCooldowns)
      .values({ tenantId, ruleId: rule.id, key, until: sql`now() + make_interval(secs => ${rule.cooldownS})`, eventId: event.eventId })
      .onConflictDoUpdate({
        target: [automationCooldowns.ruleId, automationCooldowns.key],
        set: { until: sql`excluded.until`, eventId: sql`excluded.event_id` },
        setWhere: sql`${automationCooldowns.until} <= now() or ${automationCooldowns.eventId} = excluded.event_id`,
      })
      .returning({ eventId: automationCooldowns.eventId });
    if (claimed.length === 0) {
      await tx.insert(automationRuns).values({ ...base, status: "cooldown" }).onConflictDoNothing();
      return { stop: false, acted: false };
    }
  }
  const inserted = await tx.insert(automationRuns).values({ ...base, status: "succeeded" }).onConflictDoNothing().returning({ id: automationRuns.id });
  if (inserted.length === 0) return { stop: rule.stopProcessing, acted: false }; // a concurrent delivery of the same event ran it

  const results: ActionOutcome[] = [];
  let error: string | null = null;
  const target = { tenantId, ruleId: rule.id, ruleName: rule.name, runId, eventId: event.eventId, conversation: loaded.conversation, scope: loaded.scope };
  try {
    await tx.transaction(async (sp) => {
      for (const raw of rule.actions) {
        const parsed = ActionSchema.safeParse(raw);
        if (!parsed.success) throw new Error(`action ${results.length + 1} is no longer valid`);
        results.push(await runAction(sp, target, parsed.data));
      }
    });
  } catch (err) {
    error = err instanceof Error ? err.message.slice(0, 500) : "action failed";
    results.push({ type: "error", status: "skipped", detail: error });
  }
  await tx.update(automationRuns).set({ status: error ? "failed" : "succeeded", actions: results, error }).where(eq(automationRuns.id, runId));
  let wake: SlaWake | undefined;
  if (!error && loaded.conversation && results.some((r) => r.status === "done" && ["set_priority", "assign_team", "assign_agent", "resolve", "snooze"].includes(r.type))) {
    const r = await refreshConversationSla(tx, tenantId, loaded.conversation.id);
    if (r) wake = { threadKey: r.facts.threadKey, conversationId: loaded.conversation.id, at: r.nextCheckAt };
  }
  return { stop: !error && rule.stopProcessing, acted: !error, wake };
}

/**
 * What a rule's conditions and templates see: the flows' scope (intent, priority, language, contact,
 * message, channel ...) plus `conversation`, `event` and, for SLA triggers, `sla`.
 */
async function loadScope(tx: Tx, tenantId: string, event: AutomationEvent) {
  const [conversation] = event.conversationId ? await tx.select().from(conversations).where(and(eq(conversations.id, event.conversationId), eq(conversations.tenantId, tenantId))) : [];
  const contactId = conversation?.contactId ?? event.contactId ?? null;
  const [contact] = contactId ? await tx.select().from(contacts).where(eq(contacts.id, contactId)) : [];
  const [channel] = conversation ? await tx.select({ type: channels.type }).from(channels).where(eq(channels.id, conversation.channelId)) : [];
  const [message] = event.messageId ? await tx.select({ text: messages.text }).from(messages).where(eq(messages.id, event.messageId)) : [];
  const labels = conversation ? (await tx.select({ label: conversationLabels.label }).from(conversationLabels).where(eq(conversationLabels.conversationId, conversation.id))).map((l) => l.label) : [];
  const scope = {
    annotations: {},
    intent: conversation?.intent ?? null,
    sentiment: conversation?.sentimentLabel ?? null,
    sentiment_score: conversation?.sentimentScore ?? null,
    urgency_score: null,
    priority: conversation?.priority ?? null,
    language: conversation?.language ?? contact?.language ?? null,
    contact: contact ? { id: contact.id, name: contact.name, tags: contact.tags, language: contact.language, tier: contact.attributes.sla_tier ?? contact.attributes.tier ?? null, ...contact.attributes } : {},
    vars: {},
    message: { text: message?.text ?? "" },
    channel: { type: channel?.type ?? null },
    conversation: conversation
      ? {
          id: conversation.id,
          state: conversation.state,
          previous_state: conversation.previousState,
          priority: conversation.priority,
          team_id: conversation.teamId,
          assignee_id: conversation.assigneeId,
          message_count: conversation.messageCount,
          subject: conversation.subject,
          labels,
        }
      : null,
    event: { type: event.trigger, ...event.payload },
    sla: event.trigger.startsWith("sla.") ? { metric: event.payload.metric ?? null, due_at: event.payload.due_at ?? null } : null,
  };
  return { conversation: conversation ?? null, contactId, scope };
}
