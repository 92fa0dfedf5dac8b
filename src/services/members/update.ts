import { z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { agents, AVAILABILITIES, tenantMembers, users, type Availability, type Role } from "../../db/schema";
import { AppError, forbidden, notFound } from "../../lib/errors";
import { allows, withTenant } from "../access";
import type { ServiceContext } from "../context";
import { drainWaiting, lockAgent } from "../routing/engine";
import { SkillSchema } from "../teams/model";
import { authorOf, recordChange } from "../tickets/author";
import { changeMemberRole, MemberSchema } from "./members";

export const MemberProfileSchema = MemberSchema.extend({
  skills: z.array(z.string()),
  capacity: z.number().int().openapi({ description: "Open conversations this agent takes at most" }),
  availability: z.enum(AVAILABILITIES),
}).openapi("MemberProfile");
export type MemberProfile = z.infer<typeof MemberProfileSchema>;

export interface MemberUpdate {
  id: string;
  role?: Role;
  skills?: string[];
  capacity?: number;
  availability?: Availability;
}

export const MemberProfilePatch = {
  skills: z.array(SkillSchema).max(50).optional().openapi({ description: "Routing skills, e.g. `billing`, `lang:es`" }),
  capacity: z.number().int().min(0).max(1000).optional(),
  availability: z.enum(AVAILABILITIES).optional().openapi({ description: "Agents set their own; offline and away agents get nothing routed" }),
};

/**
 * Changes a member's role and routing profile. Agents may set their own availability; role, skills,
 * capacity and other people's availability need member management. Coming online or getting more
 * capacity hands waiting conversations out at once, in a transaction of its own (see drainWaiting).
 */
export async function updateMember({ ctx, input }: { ctx: ServiceContext; input: MemberUpdate }): Promise<MemberProfile> {
  const profileChange = input.skills !== undefined || input.capacity !== undefined || input.availability !== undefined;
  if (!profileChange && !input.role) throw new AppError("VALIDATION_FAILED", "Nothing to change: give role, skills, capacity or availability", { field: "role" });
  if (input.role) await changeMemberRole({ ctx, input: { id: input.id, role: input.role } });
  const result = await withTenant(ctx, "members:read", async (tx, p) => {
    const [member] = await tx
      .select({ id: tenantMembers.id, userId: tenantMembers.userId, email: users.email, name: users.name, role: tenantMembers.role, status: tenantMembers.status, createdAt: tenantMembers.createdAt })
      .from(tenantMembers)
      .innerJoin(users, eq(users.id, tenantMembers.userId))
      .where(and(eq(tenantMembers.id, input.id), eq(tenantMembers.tenantId, p.tenant.id)));
    if (!member) throw notFound("Member");
    const self = p.type === "user" && p.userId === member.userId;
    const onlyOwnAvailability = self && input.skills === undefined && input.capacity === undefined;
    if (profileChange && !onlyOwnAvailability && !allows(p, "members:write")) throw forbidden("Your role cannot change this member's routing profile");
    const before = await lockAgent(tx, p.tenant.id, member.userId);
    let after = before;
    if (profileChange) {
      const [row] = await tx
        .update(agents)
        .set({
          ...(input.skills !== undefined && { skills: [...new Set(input.skills)] }),
          ...(input.capacity !== undefined && { capacity: input.capacity }),
          ...(input.availability !== undefined && input.availability !== before.availability && { availability: input.availability, availabilityChangedAt: sql`now()` }),
          updatedAt: sql`now()`,
          version: sql`${agents.version} + 1`,
        })
        .where(and(eq(agents.tenantId, p.tenant.id), eq(agents.userId, member.userId)))
        .returning();
      after = row!;
      const data = { user_id: member.userId, ...(input.skills !== undefined && { skills: after.skills }), ...(input.capacity !== undefined && { capacity: { from: before.capacity, to: after.capacity } }), ...(input.availability !== undefined && { availability: { from: before.availability, to: after.availability } }) };
      await recordChange(tx, p.tenant.id, authorOf(ctx, p), { entityType: "member", entityId: member.id, action: "member.profile_changed", data });
    }
    const freed = after.availability === "online" && (before.availability !== "online" || after.capacity > before.capacity || input.skills !== undefined);
    return {
      freed,
      tenantId: p.tenant.id,
      profile: {
        id: member.id,
        user_id: member.userId,
        email: member.email,
        name: member.status === "active" ? member.name : null,
        role: member.role,
        status: member.status,
        created_at: member.createdAt.toISOString(),
        skills: after.skills,
        capacity: after.capacity,
        availability: after.availability,
      } satisfies MemberProfile,
    };
  });
  if (result.freed) await drainForAgent(ctx, result.profile.user_id);
  return result.profile;
}

/** Waiting conversations of the agent's teams go to whoever can take them now (usually this agent). */
export async function drainForAgent(ctx: ServiceContext, userId: string): Promise<void> {
  try {
    await withTenant(ctx, null, (tx, p) => drainWaiting(tx, p.tenant.id, { agentId: userId }));
  } catch (err) {
    // The change itself is committed; what still waits is handed out on the next routing event.
    ctx.log.warn("routing waiting conversations failed", { error: err instanceof Error ? err.message : String(err) });
  }
}

/** The signed-in member sets their own availability (the inbox toggle; presence sets offline). */
export async function setOwnAvailability({ ctx, input }: { ctx: ServiceContext; input: { availability: Availability } }): Promise<MemberProfile> {
  const memberId = await withTenant(ctx, null, async (tx, p) => {
    if (p.type !== "user") throw forbidden("Only a signed-in member has an availability");
    const [m] = await tx.select({ id: tenantMembers.id }).from(tenantMembers).where(and(eq(tenantMembers.tenantId, p.tenant.id), eq(tenantMembers.userId, p.userId)));
    if (!m) throw notFound("Member");
    return m.id;
  });
  return updateMember({ ctx, input: { id: memberId, availability: input.availability } });
}
