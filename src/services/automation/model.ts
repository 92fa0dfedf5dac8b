import { z } from "@hono/zod-openapi";
import { AUTOMATION_RUN_STATUSES, AUTOMATION_TRIGGERS, COOLDOWN_KEYS, TICKET_PRIORITIES, type automationRules, type automationRuns } from "../../db/schema";
import { conditionProblems, SCOPE_ROOTS } from "../../flows/conditions";
import { ConditionSchema, LocalizedText, type Condition } from "../../flows/definition";
import { httpTargetProblem } from "../../flows/http-target";
import { refineText } from "../../lib/storable-text";

const text = (max: number) => z.string().trim().min(1).max(max).superRefine(refineText);

/** Names an automation condition may read beyond the flows' scope. */
export const AUTOMATION_ROOTS = ["conversation", "event", "sla"] as const;

export const ActionSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("send_message"), text: text(4000).openapi({ description: "`{{contact.name}}`-style placeholders are filled from the rule's scope" }) }).strict(),
    z.object({ type: z.literal("send_template"), template: LocalizedText.openapi({ description: "A text or a per-language map (`{en, es, default}`), picked by the conversation's language" }) }).strict(),
    z.object({ type: z.literal("assign_team"), team_id: z.string().uuid() }).strict(),
    z.object({ type: z.literal("assign_agent"), agent_id: z.string().uuid() }).strict(),
    z.object({ type: z.literal("set_priority"), priority: z.enum(TICKET_PRIORITIES) }).strict(),
    z.object({ type: z.literal("add_label"), label: text(60) }).strict(),
    z.object({ type: z.literal("add_note"), content: text(4000) }).strict(),
    z.object({ type: z.literal("resolve") }).strict(),
    z.object({ type: z.literal("snooze"), duration_s: z.number().int().min(60).max(30 * 86_400) }).strict(),
    z.object({ type: z.literal("send_webhook"), url: z.string().url().max(2000) }).strict(),
  ])
  .superRefine((a, ctx) => {
    if (a.type === "send_webhook") {
      const problem = httpTargetProblem(a.url);
      if (problem) ctx.addIssue({ code: "custom", path: ["url"], message: problem });
    }
    if (a.type === "send_template") for (const v of typeof a.template === "string" ? [a.template] : Object.values(a.template)) if (!v.trim()) ctx.addIssue({ code: "custom", path: ["template"], message: "template text is empty" });
  })
  .openapi("AutomationAction");
export type Action = z.infer<typeof ActionSchema>;

/** The flows' condition language; problems (CEL that does not compile, unknown roots) are 400s. */
export const AutomationConditions = ConditionSchema.superRefine((cond, ctx) => {
  for (const p of automationConditionProblems(cond)) ctx.addIssue({ code: "custom", message: p });
});

export function automationConditionProblems(cond: Condition): string[] {
  // Roots the flows do not know are fine here when they are ours.
  return conditionProblems(cond).filter((p) => !AUTOMATION_ROOTS.some((r) => p.startsWith(`condition reads unknown \`${r}`)));
}

export const KNOWN_ROOTS = [...SCOPE_ROOTS, ...AUTOMATION_ROOTS];

export const AutomationRuleInput = z.object({
  name: text(120),
  description: z.string().trim().max(1000).superRefine(refineText).optional(),
  trigger: z.enum(AUTOMATION_TRIGGERS),
  conditions: AutomationConditions.nullable().optional().openapi({ description: "Same language as flow conditions: `{var, op, value}`, `{all|any|not}`, or a CEL string" }),
  actions: z.array(ActionSchema).min(1).max(20),
  priority: z.number().int().min(0).max(10_000).optional().openapi({ description: "Lower runs first (default 100)" }),
  stop_processing: z.boolean().optional().openapi({ description: "When this rule runs, later rules for the same event do not" }),
  cooldown_s: z.number().int().min(0).max(30 * 86_400).optional(),
  cooldown_key: z.enum(COOLDOWN_KEYS).optional().openapi({ description: "What the cooldown is counted per (default: conversation)" }),
  enabled: z.boolean().optional(),
});
export type AutomationRuleInput = z.infer<typeof AutomationRuleInput>;

export const AutomationRulePatch = AutomationRuleInput.partial().extend({ version: z.number().int().positive().optional() });
export type AutomationRulePatch = z.infer<typeof AutomationRulePatch>;

export const AutomationRuleSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    description: z.string().nullable(),
    trigger: z.enum(AUTOMATION_TRIGGERS),
    conditions: z.unknown().nullable(),
    actions: z.array(z.record(z.string(), z.unknown())),
    priority: z.number().int(),
    stop_processing: z.boolean(),
    cooldown_s: z.number().int(),
    cooldown_key: z.enum(COOLDOWN_KEYS),
    enabled: z.boolean(),
    signing_secret: z.string().optional().openapi({ description: "Only in the creation response: verifies `X-Parley-Signature` on this rule's webhooks" }),
    created_at: z.string(),
    updated_at: z.string(),
    version: z.number().int(),
  })
  .openapi("AutomationRule");
export type AutomationRule = z.infer<typeof AutomationRuleSchema>;

export function toRule(r: typeof automationRules.$inferSelect): AutomationRule {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    trigger: r.trigger,
    conditions: r.conditions ?? null,
    actions: r.actions,
    priority: r.priority,
    stop_processing: r.stopProcessing,
    cooldown_s: r.cooldownS,
    cooldown_key: r.cooldownKey,
    enabled: r.enabled,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    version: r.version,
  };
}

export const AutomationRunSchema = z
  .object({
    id: z.string().uuid(),
    rule_id: z.string().uuid(),
    event_id: z.string(),
    event_type: z.string(),
    conversation_id: z.string().uuid().nullable(),
    status: z.enum(AUTOMATION_RUN_STATUSES).openapi({ description: "succeeded; failed (its actions were rolled back); cooldown (matched inside the cooldown: nothing done)" }),
    actions: z.array(z.record(z.string(), z.unknown())).openapi({ description: "Each action with its outcome, in order" }),
    error: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("AutomationRun");

export function toRun(r: typeof automationRuns.$inferSelect): z.infer<typeof AutomationRunSchema> {
  return { id: r.id, rule_id: r.ruleId, event_id: r.eventId, event_type: r.eventType, conversation_id: r.conversationId, status: r.status, actions: r.actions, error: r.error, created_at: r.createdAt.toISOString() };
}
