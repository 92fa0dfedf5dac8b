import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { z } from "@hono/zod-openapi";
import type { Tx } from "../../db/client";
import { apiKeys, tenantMembers, users, type Role } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { AppError, forbidden, notFound } from "../../lib/errors";
import { mintTenantToken } from "../../lib/tenant-token";
import { actorRef, withTenant, type Principal } from "../access";
import { revokeMemberSessions } from "../auth/sessions";
import { emitEvent, recordAudit } from "../audit";
import { endLiveSockets } from "../../../durable-objects/tenant-quota/client";
import { assertPlanAllows } from "../billing/limits";
import type { ServiceContext } from "../context";
import { canGrantRole } from "../permissions";

const INVITE_TTL_DAYS = 7;

export const MemberSchema = z
  .object({
    id: z.string().uuid(),
    user_id: z.string().uuid(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.string(),
    status: z.enum(["active", "invited"]),
    created_at: z.string(),
  })
  .openapi("Member");
export type Member = z.infer<typeof MemberSchema>;

const memberColumns = {
  id: tenantMembers.id,
  user_id: tenantMembers.userId,
  email: users.email,
  name: users.name,
  role: tenantMembers.role,
  status: tenantMembers.status,
  createdAt: tenantMembers.createdAt,
};

type MemberRow = { id: string; user_id: string; email: string; name: string | null; role: Role; status: "active" | "invited"; createdAt: Date };
/**
 * An invited person may already have an account elsewhere; until they join, this workspace learns
 * nothing about it (its name was set in another workspace), only the email it typed itself.
 */
const toMember = ({ createdAt, ...m }: MemberRow): Member => ({ ...m, name: m.status === "active" ? m.name : null, created_at: createdAt.toISOString() });

export async function listMembers({ ctx }: { ctx: ServiceContext }): Promise<{ data: Member[]; next_cursor: null }> {
  return withTenant(ctx, "members:read", async (tx) => {
    const rows = await tx.select(memberColumns).from(tenantMembers).innerJoin(users, eq(users.id, tenantMembers.userId)).orderBy(asc(tenantMembers.createdAt));
    return { data: rows.map(toMember), next_cursor: null };
  });
}

async function findMember(tx: Tx, id: string): Promise<MemberRow> {
  const [row] = await tx.select(memberColumns).from(tenantMembers).innerJoin(users, eq(users.id, tenantMembers.userId)).where(eq(tenantMembers.id, id)).for("update", { of: tenantMembers });
  if (!row) throw notFound("Member");
  return row;
}

async function audit(tx: Tx, ctx: ServiceContext, p: Principal, action: "invited" | "role_changed" | "removed", member: MemberRow, data: Record<string, unknown>) {
  await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: `member.${action}`, entityType: "member", entityId: member.id, data: { user_id: member.user_id, ...data } });
  await emitEvent(tx, { tenantId: p.tenant.id, type: `member.${action}`, aggregateType: "member", aggregateId: member.id, payload: { user_id: member.user_id, ...data } });
}

function mayManage(p: Principal, target: Role): boolean {
  return p.type === "user" && canGrantRole(p.role, target);
}

/** Owners are the last line of control: a workspace always keeps at least one active owner. */
async function assertNotLastOwner(tx: Tx, member: MemberRow) {
  if (member.role !== "owner" || member.status !== "active") return;
  const [{ owners }] = (await tx.select({ owners: sql<number>`count(*)::int` }).from(tenantMembers).where(and(eq(tenantMembers.role, "owner"), eq(tenantMembers.status, "active")))) as [{ owners: number }];
  if (owners <= 1) throw new AppError("CONFLICT", "A workspace must keep at least one owner", { field: "role" });
}

export interface Invitation {
  member: Member;
  invitation: { token: string; url: string; expires_at: string };
}

export async function inviteMember({ ctx, input }: { ctx: ServiceContext; input: { email: string; role: Role } }): Promise<Invitation> {
  return withTenant(ctx, "members:write", async (tx, p) => {
    if (!mayManage(p, input.role)) throw forbidden(`Your role cannot grant the ${input.role} role`);
    // Seats are members and pending invitations alike, so invitations cannot overrun the plan.
    const [seats] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(tenantMembers)
      .where(sql`${tenantMembers.status} in ('active', 'invited')`);
    await assertPlanAllows(tx, p.tenant.id, "seats", seats!.n);
    // The invitee's user row (if any) is visible only by exact email, set for this transaction.
    await tx.execute(sql`select set_config('app.login_email', ${input.email}, true)`);
    let [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.email));
    if (!user) {
      user = { id: crypto.randomUUID() };
      await tx.insert(users).values({ id: user.id, email: input.email });
    }
    const token = mintTenantToken("inv", p.tenant.id);
    const inserted = await tx
      .insert(tenantMembers)
      .values({
        tenantId: p.tenant.id,
        userId: user.id,
        role: input.role,
        status: "invited",
        inviteTokenHash: await sha256Hex(token),
        inviteExpiresAt: sql`now() + make_interval(days => ${INVITE_TTL_DAYS})`,
        invitedBy: p.type === "user" ? p.userId : null,
      })
      .onConflictDoNothing({ target: [tenantMembers.tenantId, tenantMembers.userId] })
      .returning({ id: tenantMembers.id, expiresAt: tenantMembers.inviteExpiresAt });
    if (inserted.length === 0) throw new AppError("CONFLICT", "This person is already a member or invited", { field: "email" });
    const member = await findMember(tx, inserted[0]!.id);
    await audit(tx, ctx, p, "invited", member, { role: input.role, email: input.email });
    const base = ctx.config.PUBLIC_URL ?? "http://127.0.0.1:8787";
    return {
      member: toMember(member),
      invitation: { token, url: `${base}/invite?token=${encodeURIComponent(token)}`, expires_at: inserted[0]!.expiresAt!.toISOString() },
    };
  });
}

export async function changeMemberRole({ ctx, input }: { ctx: ServiceContext; input: { id: string; role: Role } }): Promise<Member> {
  const changed = await withTenant(ctx, "members:write", async (tx, p) => {
    const member = await findMember(tx, input.id);
    if (!mayManage(p, member.role) || !mayManage(p, input.role)) throw forbidden("Your role cannot change this member to that role");
    if (input.role !== "owner") await assertNotLastOwner(tx, member);
    await tx.update(tenantMembers).set({ role: input.role, updatedAt: sql`now()`, version: sql`${tenantMembers.version} + 1` }).where(eq(tenantMembers.id, member.id));
    await audit(tx, ctx, p, "role_changed", member, { from: member.role, to: input.role });
    return { member: toMember({ ...member, role: input.role }), tenantId: p.tenant.id };
  });
  // Their live sockets were opened under the old role: close them, the client reconnects under the new one.
  await endLiveSockets(ctx.env, changed.tenantId, { userId: changed.member.user_id }, "role_changed");
  return changed.member;
}

export async function removeMember({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<void> {
  const removed = await withTenant(ctx, "members:write", async (tx, p) => {
    const member = await findMember(tx, input.id);
    if (!mayManage(p, member.role)) throw forbidden("Your role cannot remove this member");
    await assertNotLastOwner(tx, member);
    await tx.delete(tenantMembers).where(eq(tenantMembers.id, member.id));
    // Their sessions die with the membership; access tokens already fail the per-request re-check.
    await revokeMemberSessions(tx, member.user_id, "member_removed");
    // So do the API keys they made: a key must not outlive the access of the person who holds it.
    const keys = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.createdBy, member.user_id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    for (const key of keys) {
      await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "api_key.revoked", entityType: "api_key", entityId: key.id, data: { reason: "member_removed" } });
    }
    await audit(tx, ctx, p, "removed", member, { role: member.role });
    return { tenantId: p.tenant.id, userId: member.user_id };
  });
  // After the commit, so a failure here cannot undo the removal; the sockets would expire anyway.
  await endLiveSockets(ctx.env, removed.tenantId, { userId: removed.userId }, "member_removed");
}
