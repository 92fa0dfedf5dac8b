import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { automationRules, automationRuns, tenantMembers, teams } from "../../db/schema";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { randomToken } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { actorRef, withTenant } from "../access";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { parseInput } from "../tickets/validate";
import { sealRuleSecret } from "./secret";
import { AutomationRuleInput, AutomationRulePatch, toRule, toRun, type Action, type AutomationRule } from "./model";

async function findRule(tx: Tx, tenantId: string, id: string, lock = false) {
  const q = tx.select().from(automationRules).where(and(eq(automationRules.id, id), eq(automationRules.tenantId, tenantId))).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("Automation rule");
  return row;
}

/** Teams and agents an action names must be this workspace's: another workspace's id is a 404. */
async function checkReferences(tx: Tx, tenantId: string, actions: Action[]) {
  for (const [i, a] of actions.entries()) {
    if (a.type === "assign_team") {
      const [team] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, tenantId), eq(teams.id, a.team_id)));
      if (!team) throw new AppError("NOT_FOUND", "Team not found", { field: `actions.${i}.team_id` });
    }
    if (a.type === "assign_agent") {
      const [member] = await tx.select({ id: tenantMembers.id }).from(tenantMembers).where(and(eq(tenantMembers.tenantId, tenantId), eq(tenantMembers.userId, a.agent_id), eq(tenantMembers.status, "active")));
      if (!member) throw new AppError("NOT_FOUND", "Agent not found", { field: `actions.${i}.agent_id` });
    }
  }
}

export async function createAutomationRule({ ctx, input }: { ctx: ServiceContext; input: AutomationRuleInput }): Promise<AutomationRule> {
  const data = parseInput(AutomationRuleInput, input);
  return withTenant(ctx, "automation:write", async (tx, p) => {
    await checkReferences(tx, p.tenant.id, data.actions);
    const id = crypto.randomUUID();
    const signingSecret = randomToken(32);
    const [row] = await tx
      .insert(automationRules)
      .values({
        id,
        tenantId: p.tenant.id,
        name: data.name,
        description: data.description ?? null,
        trigger: data.trigger,
        conditions: data.conditions ?? null,
        actions: data.actions,
        priority: data.priority ?? 100,
        stopProcessing: data.stop_processing ?? false,
        cooldownS: data.cooldown_s ?? 0,
        cooldownKey: data.cooldown_key ?? "conversation",
        enabled: data.enabled ?? true,
        signingSecret: await sealRuleSecret(ctx.config, p.tenant.id, id, signingSecret),
        createdBy: p.type === "user" ? p.userId : null,
      })
      .returning();
    await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "automation_rule.created", entityType: "automation_rule", entityId: id, data: { name: data.name, trigger: data.trigger } });
    return { ...toRule(row!), signing_secret: signingSecret };
  });
}

export async function listAutomationRules({ ctx, input }: { ctx: ServiceContext; input: { cursor?: string; limit: number; trigger?: string } }) {
  return withTenant(ctx, "automation:read", async (tx, p) => {
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    const rows = await tx
      .select()
      .from(automationRules)
      .where(
        and(
          eq(automationRules.tenantId, p.tenant.id),
          input.trigger ? eq(automationRules.trigger, input.trigger as AutomationRule["trigger"]) : undefined,
          after ? or(lt(automationRules.createdAt, after.at), and(eq(automationRules.createdAt, after.at), lt(automationRules.id, after.id))) : undefined,
        ),
      )
      .orderBy(desc(automationRules.createdAt), desc(automationRules.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return { data: page.map(toRule), next_cursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  });
}

export async function getAutomationRule({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<AutomationRule> {
  return withTenant(ctx, "automation:read", async (tx, p) => toRule(await findRule(tx, p.tenant.id, input.id)));
}

export async function updateAutomationRule({ ctx, input }: { ctx: ServiceContext; input: AutomationRulePatch & { id: string } }): Promise<AutomationRule> {
  const data = parseInput(AutomationRulePatch, input);
  return withTenant(ctx, "automation:write", async (tx, p) => {
    const current = await findRule(tx, p.tenant.id, input.id, true);
    if (data.version !== undefined && data.version !== current.version) throw new AppError("VERSION_CONFLICT", `Automation rule is at version ${current.version}, not ${data.version}`, { field: "version" });
    if (data.actions) await checkReferences(tx, p.tenant.id, data.actions);
    const [row] = await tx
      .update(automationRules)
      .set({
        ...(data.name !== undefined && { name: data.name }),
        ...(data.description !== undefined && { description: data.description }),
        ...(data.trigger !== undefined && { trigger: data.trigger }),
        ...(data.conditions !== undefined && { conditions: data.conditions }),
        ...(data.actions !== undefined && { actions: data.actions }),
        ...(data.priority !== undefined && { priority: data.priority }),
        ...(data.stop_processing !== undefined && { stopProcessing: data.stop_processing }),
        ...(data.cooldown_s !== undefined && { cooldownS: data.cooldown_s }),
        ...(data.cooldown_key !== undefined && { cooldownKey: data.cooldown_key }),
        ...(data.enabled !== undefined && { enabled: data.enabled }),
        updatedAt: sql`now()`,
        version: sql`${automationRules.version} + 1`,
      })
      .where(eq(automationRules.id, current.id))
      .returning();
    await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "automation_rule.updated", entityType: "automation_rule", entityId: current.id, data: { fields: Object.keys(data).filter((k) => k !== "version") } });
    return toRule(row!);
  });
}

export async function deleteAutomationRule({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<void> {
  await withTenant(ctx, "automation:write", async (tx, p) => {
    const current = await findRule(tx, p.tenant.id, input.id, true);
    await tx.delete(automationRules).where(eq(automationRules.id, current.id));
    await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "automation_rule.deleted", entityType: "automation_rule", entityId: current.id, data: { name: current.name } });
  });
}

export async function listAutomationRuns({ ctx, input }: { ctx: ServiceContext; input: { id: string; cursor?: string; limit: number; status?: string[] } }) {
  return withTenant(ctx, "automation:read", async (tx, p) => {
    await findRule(tx, p.tenant.id, input.id);
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    const rows = await tx
      .select()
      .from(automationRuns)
      .where(
        and(
          eq(automationRuns.ruleId, input.id),
          input.status?.length ? inArray(automationRuns.status, input.status as Array<"succeeded">) : undefined,
          after ? or(lt(automationRuns.createdAt, after.at), and(eq(automationRuns.createdAt, after.at), lt(automationRuns.id, after.id))) : undefined,
        ),
      )
      .orderBy(desc(automationRuns.createdAt), desc(automationRuns.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return { data: page.map(toRun), next_cursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  });
}
