import { z } from "@hono/zod-openapi";
import { CHANNEL_TYPES, TICKET_PRIORITIES, type slaPolicies } from "../../db/schema";
import { refineText } from "../../lib/storable-text";
import { businessHoursProblems, WEEKDAYS } from "../../sla/business-hours";

const seconds = z.number().int().min(1).max(366 * 86_400);
const name = z.string().trim().min(1).max(120).superRefine(refineText);
const day = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);

export const BusinessHoursSchema = z
  .object({
    timezone: z.string().min(1).max(64).openapi({ example: "Europe/Berlin" }),
    weekly: z
      .array(z.object({ day, open: z.string().max(5).openapi({ example: "09:00" }), close: z.string().max(5).openapi({ example: "17:00", description: "Not after `open`: closes the next day; `24:00`: at midnight" }) }))
      .min(1)
      .max(70),
    holidays: z.array(z.string().max(10).openapi({ example: "2026-12-25" })).max(400).optional(),
  })
  .superRefine((bh, ctx) => {
    for (const problem of businessHoursProblems(bh)) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi("BusinessHours", { description: `Several periods a day allowed; days are ${WEEKDAYS.join(", ")}; holidays are local dates` });

export const SlaOverrideSchema = z
  .object({
    channel_type: z.enum(CHANNEL_TYPES).optional(),
    priority: z.enum(TICKET_PRIORITIES).optional(),
    first_response_s: seconds.optional(),
    next_response_s: seconds.optional(),
    resolution_s: seconds.optional(),
  })
  .refine((o) => o.channel_type !== undefined || o.priority !== undefined, "an override needs channel_type or priority")
  .openapi("SlaOverride");

export const SlaMatchSchema = z
  .object({
    channel_types: z.array(z.enum(CHANNEL_TYPES)).max(20).optional(),
    priorities: z.array(z.enum(TICKET_PRIORITIES)).max(4).optional(),
    team_ids: z.array(z.string().uuid()).max(50).optional(),
    contact_tiers: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
  })
  .openapi("SlaMatch", { description: "Which conversations the policy is for; an omitted or empty list matches any" });

export const SlaPolicyInput = z.object({
  name,
  description: z.string().trim().max(1000).superRefine(refineText).optional(),
  first_response_s: seconds,
  next_response_s: seconds.optional(),
  resolution_s: seconds.optional(),
  warning_pct: z.number().int().min(1).max(99).optional().openapi({ description: "Fire sla.warning at this share of the target (default 80)" }),
  business_hours: BusinessHoursSchema.optional(),
  overrides: z.array(SlaOverrideSchema).max(50).optional(),
  match: SlaMatchSchema.optional(),
  rank: z.number().int().min(0).max(10_000).optional().openapi({ description: "Among equally specific matching policies, the lower rank wins (default 100)" }),
  is_default: z.boolean().optional().openapi({ description: "Used when no other policy matches; one per workspace" }),
  enabled: z.boolean().optional(),
});
export type SlaPolicyInput = z.infer<typeof SlaPolicyInput>;

export const SlaPolicyPatch = SlaPolicyInput.partial().extend({
  next_response_s: seconds.nullable().optional(),
  resolution_s: seconds.nullable().optional(),
  business_hours: BusinessHoursSchema.nullable().optional(),
  version: z.number().int().positive().optional(),
});
export type SlaPolicyPatch = z.infer<typeof SlaPolicyPatch>;

export const SlaPolicySchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    description: z.string().nullable(),
    first_response_s: z.number().int(),
    next_response_s: z.number().int().nullable(),
    resolution_s: z.number().int().nullable(),
    warning_pct: z.number().int(),
    business_hours: z.object({ timezone: z.string(), weekly: z.array(z.object({ day, open: z.string(), close: z.string() })), holidays: z.array(z.string()).optional() }).nullable(),
    overrides: z.array(z.object({ channel_type: z.string().optional(), priority: z.string().optional(), first_response_s: z.number().optional(), next_response_s: z.number().optional(), resolution_s: z.number().optional() })),
    match: z.object({ channel_types: z.array(z.string()).optional(), priorities: z.array(z.string()).optional(), team_ids: z.array(z.string()).optional(), contact_tiers: z.array(z.string()).optional() }),
    rank: z.number().int(),
    is_default: z.boolean(),
    enabled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
    version: z.number().int(),
  })
  .openapi("SlaPolicy");
export type SlaPolicy = z.infer<typeof SlaPolicySchema>;

export function toSlaPolicy(r: typeof slaPolicies.$inferSelect): SlaPolicy {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    first_response_s: r.firstResponseS,
    next_response_s: r.nextResponseS,
    resolution_s: r.resolutionS,
    warning_pct: r.warningPct,
    business_hours: r.businessHours,
    overrides: r.overrides,
    match: r.match,
    rank: r.rank,
    is_default: r.isDefault,
    enabled: r.enabled,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    version: r.version,
  };
}

/** What a conversation carries: its policy and the live due times (null: met, paused or not applicable). */
export const ConversationSlaSchema = z
  .object({
    policy_id: z.string().uuid().nullable(),
    first_response_due_at: z.string().nullable(),
    next_response_due_at: z.string().nullable(),
    resolution_due_at: z.string().nullable(),
    breached: z.array(z.enum(["first_response", "next_response", "resolution"])),
    paused: z.boolean().openapi({ description: "The conversation waits on the customer (or is snoozed): the clocks stand still" }),
    business_hours: z.object({ timezone: z.string() }).nullable().openapi({ description: "The calendar the clocks run on (null: around the clock)" }),
  })
  .openapi("ConversationSla");
export type ConversationSla = z.infer<typeof ConversationSlaSchema>;
