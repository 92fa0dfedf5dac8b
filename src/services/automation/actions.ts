import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { conversationLabels, conversationSlas, conversations, internalNotes, messages } from "../../db/schema";
import { pickText, render } from "../../flows/templates";
import { emitEvents } from "../audit";
import { assignToAgent, routeConversation } from "../routing";
import type { Action } from "./model";

/** What an action touches: the rule's conversation, as it was loaded for the run. */
export interface ActionTarget {
  tenantId: string;
  ruleId: string;
  ruleName: string;
  runId: string;
  eventId: string;
  conversation: typeof conversations.$inferSelect | null;
  scope: Record<string, unknown>;
}

export type ActionOutcome = Record<string, unknown> & { type: string; status: "done" | "skipped"; detail?: string };

/**
 * Runs one action inside the rule's savepoint. Remote calls never run here: a webhook is an outbox
 * event (`automation.webhook`) its own consumer sends after commit, with retries, signed.
 */
export async function runAction(tx: Tx, t: ActionTarget, a: Action): Promise<ActionOutcome> {
  const conv = t.conversation;
  if (a.type === "send_webhook") {
    await emitEvents(tx, [
      {
        tenantId: t.tenantId,
        type: "automation.webhook",
        aggregateType: "automation_rule",
        aggregateId: t.ruleId,
        payload: { rule_id: t.ruleId, run_id: t.runId, url: a.url, conversation_id: conv?.id ?? null, event_id: t.eventId, scope: webhookBody(t) },
      },
    ]);
    return { type: a.type, status: "done", detail: "queued" };
  }
  if (!conv) return { type: a.type, status: "skipped", detail: "the event has no conversation" };
  switch (a.type) {
    case "send_message":
    case "send_template": {
      if (conv.state === "resolved") return { type: a.type, status: "skipped", detail: "conversation is resolved" };
      const textOut = render(a.type === "send_message" ? a.text : pickText(a.template, conv.language ?? undefined), t.scope).trim();
      if (!textOut) return { type: a.type, status: "skipped", detail: "the text rendered empty" };
      const id = crypto.randomUUID();
      const [row] = await tx
        .insert(messages)
        .values({ id, tenantId: t.tenantId, conversationId: conv.id, channelId: conv.channelId, direction: "outbound", senderType: "system", content: { type: "text", text: textOut }, text: textOut, status: "pending" })
        .returning({ createdAt: messages.createdAt });
      // An automated message is not a person's answer: it leaves first_response_at and the SLA clocks alone.
      await tx
        .update(conversations)
        .set({ lastMessageAt: row!.createdAt, messageCount: sql`${conversations.messageCount} + 1`, updatedAt: sql`now()`, version: sql`${conversations.version} + 1` })
        .where(eq(conversations.id, conv.id));
      await emitEvents(tx, [{ tenantId: t.tenantId, type: "message.outbound", aggregateType: "message", aggregateId: id, payload: { message_id: id, conversation_id: conv.id, channel_id: conv.channelId } }]);
      return { type: a.type, status: "done", message_id: id };
    }
    case "assign_team": {
      const outcome = await routeConversation(tx, t.tenantId, conv.id, { teamId: a.team_id, assignedBy: "automation", reason: `automation: ${t.ruleName}` });
      return { type: a.type, status: "done", routing: outcome.status, team_id: outcome.team_id, assignee_id: outcome.assignee_id };
    }
    case "assign_agent": {
      const outcome = await assignToAgent(tx, t.tenantId, conv.id, { agentId: a.agent_id, teamId: conv.teamId, assignedBy: "automation", reason: `automation: ${t.ruleName}` });
      return { type: a.type, status: "done", routing: outcome.status, assignee_id: outcome.assignee_id };
    }
    case "set_priority": {
      if (conv.priority === a.priority) return { type: a.type, status: "skipped", detail: `already ${a.priority}` };
      await tx.update(conversations).set({ priority: a.priority, updatedAt: sql`now()`, version: sql`${conversations.version} + 1` }).where(eq(conversations.id, conv.id));
      conv.priority = a.priority; // later actions and the SLA re-clock see it
      return { type: a.type, status: "done", priority: a.priority };
    }
    case "add_label": {
      const added = await tx.insert(conversationLabels).values({ tenantId: t.tenantId, conversationId: conv.id, label: a.label }).onConflictDoNothing().returning({ label: conversationLabels.label });
      return { type: a.type, status: added.length ? "done" : "skipped", label: a.label };
    }
    case "add_note": {
      const id = crypto.randomUUID();
      await tx.insert(internalNotes).values({ id, tenantId: t.tenantId, conversationId: conv.id, authorId: null, authorType: "automation", content: render(a.content, t.scope) });
      return { type: a.type, status: "done", note_id: id };
    }
    case "resolve":
    case "snooze": {
      if (conv.state === "resolved") return { type: a.type, status: "skipped", detail: "already resolved" };
      const to = a.type === "resolve" ? "resolved" : "awaiting_customer";
      // The same fields a person's state change sets (services/conversations updateConversation).
      await tx
        .update(conversations)
        .set({ state: to, previousState: conv.state, resolvedAt: to === "resolved" ? sql`now()` : null, updatedAt: sql`now()`, version: sql`${conversations.version} + 1` })
        .where(eq(conversations.id, conv.id));
      if (a.type === "snooze") {
        await tx.update(conversationSlas).set({ snoozedUntil: new Date(Date.now() + a.duration_s * 1000) }).where(and(eq(conversationSlas.conversationId, conv.id), eq(conversationSlas.tenantId, t.tenantId)));
      }
      if (conv.state !== to) await emitEvents(tx, [{ tenantId: t.tenantId, type: "conversation.state_changed", aggregateType: "conversation", aggregateId: conv.id, payload: { conversation_id: conv.id, from: conv.state, to } }]);
      const from = conv.state;
      conv.state = to;
      return { type: a.type, status: "done", from, to, ...(a.type === "snooze" && { until: new Date(Date.now() + a.duration_s * 1000).toISOString() }) };
    }
  }
}

/** What a webhook receiver gets about the run (no internal-only fields beyond ids). */
function webhookBody(t: ActionTarget): Record<string, unknown> {
  const s = t.scope as { conversation?: unknown; event?: unknown; sla?: unknown; contact?: { id?: unknown } };
  return { conversation: s.conversation ?? null, event: s.event ?? null, sla: s.sla ?? null, contact_id: s.contact?.id ?? null };
}
