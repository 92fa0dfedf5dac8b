import { and, desc, eq, inArray, lt, ne, or, sql } from "drizzle-orm";
import { threadStub } from "../../../durable-objects/conversation-thread/client";
import type { Tx } from "../../db/client";
import { conversationSlas, conversations, slaPolicies, teams } from "../../db/schema";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { AppError, notFound } from "../../lib/errors";
import { actorRef, withTenant } from "../access";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { parseInput } from "../tickets/validate";
import { refreshConversationSla } from "./clocks";
import { SlaPolicyInput, SlaPolicyPatch, toSlaPolicy, type SlaPolicy } from "./model";

/** Open conversations re-clocked right away when their policy changes; the rest on their next event or timer. */
const RECLOCK_LIMIT = 500;

async function findPolicy(tx: Tx, tenantId: string, id: string, lock = false) {
  const q = tx.select().from(slaPolicies).where(and(eq(slaPolicies.id, id), eq(slaPolicies.tenantId, tenantId))).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("SLA policy");
  return row;
}

/** Every team a policy names must be this workspace's: another workspace's id is simply not found. */
async function checkTeams(tx: Tx, tenantId: string, ids: string[] | undefined) {
  if (!ids?.length) return;
  const found = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, tenantId), inArray(teams.id, ids)));
  if (found.length !== new Set(ids).size) throw new AppError("NOT_FOUND", "Team not found", { field: "match.team_ids" });
}

/** Only one default policy per workspace: making one the default takes it from the other. */
async function clearDefault(tx: Tx, tenantId: string, except: string) {
  await tx.update(slaPolicies).set({ isDefault: false, updatedAt: sql`now()`, version: sql`${slaPolicies.version} + 1` }).where(and(eq(slaPolicies.tenantId, tenantId), eq(slaPolicies.isDefault, true), ne(slaPolicies.id, except)));
}

type Reclock = Array<{ threadKey: string; conversationId: string; at: number | null }>;

/** Re-chooses the policy of open conversations on it (or on none, when a policy appears) and re-clocks them. */
async function reclock(tx: Tx, tenantId: string, policyId: string | null): Promise<Reclock> {
  const rows = policyId
    ? await tx.select({ id: conversationSlas.conversationId }).from(conversationSlas).innerJoin(conversations, eq(conversations.id, conversationSlas.conversationId)).where(and(eq(conversationSlas.policyId, policyId), ne(conversations.state, "resolved"))).limit(RECLOCK_LIMIT)
    : await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(ne(conversations.state, "resolved"), sql`not exists (select 1 from ${conversationSlas} s where s.conversation_id = ${conversations.id})`))
        .orderBy(desc(conversations.createdAt))
        .limit(RECLOCK_LIMIT);
  const out: Reclock = [];
  for (const { id } of rows) {
    const r = await refreshConversationSla(tx, tenantId, id, { reselect: true });
    if (r) out.push({ threadKey: r.facts.threadKey, conversationId: id, at: r.nextCheckAt });
  }
  return out;
}

/** After commit: each re-clocked conversation's thread object learns its next SLA wake-up. */
export async function scheduleTimers(ctx: ServiceContext, tenantId: string, timers: Reclock) {
  await Promise.all(
    timers.map((t) =>
      threadStub(ctx.env, tenantId, t.threadKey)
        .scheduleSla({ conversationId: t.conversationId, at: t.at })
        .catch((err: unknown) => ctx.log.warn("sla: scheduling a timer failed", { conversation_id: t.conversationId, error: String(err) })),
    ),
  );
}

export async function createSlaPolicy({ ctx, input }: { ctx: ServiceContext; input: SlaPolicyInput }): Promise<SlaPolicy> {
  const data = parseInput(SlaPolicyInput, input);
  const { policy, timers, tenantId } = await withTenant(ctx, "sla:write", async (tx, p) => {
    await checkTeams(tx, p.tenant.id, data.match?.team_ids);
    const id = crypto.randomUUID();
    if (data.is_default) await clearDefault(tx, p.tenant.id, id);
    const [row] = await tx
      .insert(slaPolicies)
      .values({
        id,
        tenantId: p.tenant.id,
        name: data.name,
        description: data.description ?? null,
        firstResponseS: data.first_response_s,
        nextResponseS: data.next_response_s ?? null,
        resolutionS: data.resolution_s ?? null,
        warningPct: data.warning_pct ?? 80,
        businessHours: data.business_hours ?? null,
        overrides: data.overrides ?? [],
        match: data.match ?? {},
        rank: data.rank ?? 100,
        isDefault: data.is_default ?? false,
        enabled: data.enabled ?? true,
      })
      .returning();
    await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "sla_policy.created", entityType: "sla_policy", entityId: id, data: { name: data.name } });
    // Open conversations without a policy may now have one.
    return { policy: toSlaPolicy(row!), timers: await reclock(tx, p.tenant.id, null), tenantId: p.tenant.id };
  });
  await scheduleTimers(ctx, tenantId, timers);
  return policy;
}

export async function listSlaPolicies({ ctx, input }: { ctx: ServiceContext; input: { cursor?: string; limit: number } }) {
  return withTenant(ctx, "sla:read", async (tx, p) => {
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    const rows = await tx
      .select()
      .from(slaPolicies)
      .where(and(eq(slaPolicies.tenantId, p.tenant.id), after ? or(lt(slaPolicies.createdAt, after.at), and(eq(slaPolicies.createdAt, after.at), lt(slaPolicies.id, after.id))) : undefined))
      .orderBy(desc(slaPolicies.createdAt), desc(slaPolicies.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return { data: page.map(toSlaPolicy), next_cursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  });
}

export async function getSlaPolicy({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<SlaPolicy> {
  return withTenant(ctx, "sla:read", async (tx, p) => toSlaPolicy(await findPolicy(tx, p.tenant.id, input.id)));
}

export async function updateSlaPolicy({ ctx, input }: { ctx: ServiceContext; input: SlaPolicyPatch & { id: string } }): Promise<SlaPolicy> {
  const data = parseInput(SlaPolicyPatch, input);
  const { policy, timers, tenantId } = await withTenant(ctx, "sla:write", async (tx, p) => {
    const current = await findPolicy(tx, p.tenant.id, input.id, true);
    if (data.version !== undefined && data.version !== current.version) throw new AppError("VERSION_CONFLICT", `SLA policy is at version ${current.version}, not ${data.version}`, { field: "version" });
    await checkTeams(tx, p.tenant.id, data.match?.team_ids);
    if (data.is_default) await clearDefault(tx, p.tenant.id, current.id);
    const [row] = await tx
      .update(slaPolicies)
      .set({
        ...(data.name !== undefined && { name: data.name }),
        ...(data.description !== undefined && { description: data.description }),
        ...(data.first_response_s !== undefined && { firstResponseS: data.first_response_s }),
        ...(data.next_response_s !== undefined && { nextResponseS: data.next_response_s }),
        ...(data.resolution_s !== undefined && { resolutionS: data.resolution_s }),
        ...(data.warning_pct !== undefined && { warningPct: data.warning_pct }),
        ...(data.business_hours !== undefined && { businessHours: data.business_hours }),
        ...(data.overrides !== undefined && { overrides: data.overrides }),
        ...(data.match !== undefined && { match: data.match }),
        ...(data.rank !== undefined && { rank: data.rank }),
        ...(data.is_default !== undefined && { isDefault: data.is_default }),
        ...(data.enabled !== undefined && { enabled: data.enabled }),
        updatedAt: sql`now()`,
        version: sql`${slaPolicies.version} + 1`,
      })
      .where(eq(slaPolicies.id, current.id))
      .returning();
    await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "sla_policy.updated", entityType: "sla_policy", entityId: current.id, data: { fields: Object.keys(data).filter((k) => k !== "version") } });
    // Targets, calendar or matching changed: conversations on it are re-chosen and re-clocked, and
    // conversations without a policy may match now.
    const timers = [...(await reclock(tx, p.tenant.id, current.id)), ...(await reclock(tx, p.tenant.id, null))];
    return { policy: toSlaPolicy(row!), timers, tenantId: p.tenant.id };
  });
  await scheduleTimers(ctx, tenantId, timers);
  return policy;
}

export async function deleteSlaPolicy({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<void> {
  const { timers, tenantId } = await withTenant(ctx, "sla:write", async (tx, p) => {
    const current = await findPolicy(tx, p.tenant.id, input.id, true);
    // Disabled first, so re-choosing moves its conversations to another policy (or none).
    await tx.update(slaPolicies).set({ enabled: false }).where(eq(slaPolicies.id, current.id));
    const timers = await reclock(tx, p.tenant.id, current.id);
    await tx.delete(slaPolicies).where(eq(slaPolicies.id, current.id));
    await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "sla_policy.deleted", entityType: "sla_policy", entityId: current.id, data: { name: current.name } });
    return { timers, tenantId: p.tenant.id };
  });
  await scheduleTimers(ctx, tenantId, timers);
}
