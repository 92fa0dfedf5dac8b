import { z } from "@hono/zod-openapi";
import { AVAILABILITIES, type RoutingMode } from "../../db/schema";
import { refineText } from "../../lib/storable-text";

const text = (min: number, max: number) => z.string().trim().min(min).max(max).superRefine(refineText);
/** A skill is a short lowercase token: `billing`, `lang:es`, `intent:refund`. */
export const SkillSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9:_\-.]{0,49}$/, "A skill is 1-50 letters, digits, ':', '_', '-' or '.'");
const skills = z.array(SkillSchema).max(50).transform((xs) => [...new Set(xs)]);

/** The contract says `skills`; seed 002 says `skill_based`: both are accepted, `skills` is answered. */
export const RoutingSchema = z.enum(["round_robin", "least_busy", "skills", "skill_based", "manual"]).openapi({ description: "`skills` (alias `skill_based`) matches the conversation's needs" });
export const toMode = (r: z.infer<typeof RoutingSchema>): RoutingMode => (r === "skills" ? "skill_based" : r);
export const toRouting = (m: RoutingMode) => (m === "skill_based" ? "skills" : m);

export const TeamInput = z.object({
  name: text(1, 100),
  description: text(0, 1000).optional(),
  routing: RoutingSchema.optional().openapi({ description: "Default round_robin" }),
  default_skills: skills.optional().openapi({ description: "Skills every conversation of this team needs (skills routing)" }),
  escalation_team_id: z.string().uuid().nullable().optional().openapi({ description: "Where conversations overflow when nobody here is online" }),
  member_ids: z.array(z.string().uuid()).max(500).optional().openapi({ description: "User ids of workspace members" }),
});
export type TeamInput = z.infer<typeof TeamInput>;

export const TeamPatch = TeamInput.partial().extend({
  is_active: z.boolean().optional(),
  version: z.number().int().positive().optional().openapi({ description: "Expected version (optimistic locking)" }),
});
export type TeamPatch = z.infer<typeof TeamPatch>;

export const TeamMemberSchema = z
  .object({
    user_id: z.string().uuid(),
    name: z.string().nullable(),
    email: z.string(),
    availability: z.enum(AVAILABILITIES),
    capacity: z.number().int(),
    skills: z.array(z.string()),
    open_conversations: z.number().int(),
  })
  .openapi("TeamMember");

export const TeamSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    description: z.string().nullable(),
    routing: z.enum(["round_robin", "least_busy", "skills", "manual"]),
    default_skills: z.array(z.string()),
    escalation_team_id: z.string().uuid().nullable(),
    is_active: z.boolean(),
    members: z.array(TeamMemberSchema),
    waiting: z.number().int().openapi({ description: "Conversations waiting for an agent of this team" }),
    created_at: z.string(),
    updated_at: z.string(),
    version: z.number().int(),
  })
  .openapi("Team");
export type Team = z.infer<typeof TeamSchema>;
