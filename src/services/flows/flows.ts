import { and, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { flows, flowVersions } from "../../db/schema";
import { parseDefinition } from "../../flows/definition";
import { validateFlow } from "../../flows/validate";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { AppError, notFound } from "../../lib/errors";
import { actorRef, withTenant, type Principal } from "../access";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { flowInvalid, toFlow, toFlowSummary, toFlowVersion, type Flow, type FlowCreateInput, type FlowUpdateInput } from "./model";

export async function findFlow(tx: Tx, id: string, lock = false) {
  const q = tx.select().from(flows).where(eq(flows.id, id)).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("Flow");
  return row;
}

async function latestVersion(tx: Tx, flowId: string) {
  const [row] = await tx.select().from(flowVersions).where(eq(flowVersions.flowId, flowId)).orderBy(desc(flowVersions.version)).limit(1);
  if (!row) throw notFound("Flow version");
  return row;
}

async function findVersion(tx: Tx, flowId: string, version: number) {
  const [row] = await tx.select().from(flowVersions).where(and(eq(flowVersions.flowId, flowId), eq(flowVersions.version, version))).limit(1);
  if (!row) throw notFound(`Version ${version} of the flow`);
  return row;
}

/** Drafts may be unfinished graphs, but they must be definitions: the schema is checked on every save. */
function draftDefinition(raw: Record<string, unknown>) {
  const parsed = parseDefinition(raw);
  if (!parsed.ok) throw flowInvalid(parsed.problems, "The definition is not a flow");
  return parsed.definition;
}

const createdBy = (p: Principal) => (p.type === "user" ? p.userId : null);

async function track(tx: Tx, ctx: ServiceContext, p: Principal, action: "created" | "drafted" | "published", id: string, data: Record<string, unknown> = {}) {
  await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: `flow.${action}`, entityType: "flow", entityId: id, data });
}

/** Inserts a flow and its first version; shared by the API and the default flow at sign-up. */
export async function insertFlow(tx: Tx, tenantId: string, input: { name: string; description?: string | null; definition: Record<string, unknown>; isDefault?: boolean; createdBy: string | null }) {
  const id = crypto.randomUUID();
  const [row] = await tx
    .insert(flows)
    .values({ id, tenantId, name: input.name, description: input.description ?? null, isDefault: input.isDefault ?? false })
    .onConflictDoNothing()
    .returning();
  if (!row) return undefined; // only the one-default-per-workspace index can conflict
  const [version] = await tx.insert(flowVersions).values({ tenantId, flowId: id, version: 1, definition: input.definition, createdBy: input.createdBy }).returning();
  return { row, version: version! };
}

export async function createFlow({ ctx, input }: { ctx: ServiceContext; input: FlowCreateInput }): Promise<Flow> {
  return withTenant(ctx, "flows:write", async (tx, p) => {
    const definition = draftDefinition(input.definition);
    const created = await insertFlow(tx, p.tenant.id, { name: input.name, description: input.description, definition, createdBy: createdBy(p) });
    if (!created) throw new AppError("CONFLICT", "The flow could not be created");
    await track(tx, ctx, p, "created", created.row.id, { version: 1 });
    return toFlow(created.row, created.version, 1);
  });
}

export async function getFlow({ ctx, input }: { ctx: ServiceContext; input: { id: string; version?: number } }): Promise<Flow> {
  return withTenant(ctx, "flows:read", async (tx) => {
    const row = await findFlow(tx, input.id);
    const latest = await latestVersion(tx, row.id);
    const version = input.version === undefined ? latest : await findVersion(tx, row.id, input.version);
    return toFlow(row, version, latest.version);
  });
}

export async function listFlows({ ctx, input }: { ctx: ServiceContext; input: { cursor?: string; limit: number } }) {
  return withTenant(ctx, "flows:read", async (tx) => {
    const filters: SQL[] = [];
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    if (after) filters.push(or(lt(flows.createdAt, after.at), and(eq(flows.createdAt, after.at), lt(flows.id, after.id)))!);
    const rows = await tx
      .select({ flow: flows, latest: sql<number>`(select max(${flowVersions.version}) from ${flowVersions} where ${flowVersions.flowId} = ${flows.id})`.mapWith(Number) })
      .from(flows)
      .where(filters.length ? and(...filters) : undefined)
      .orderBy(desc(flows.createdAt), desc(flows.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      data: page.map((r) => toFlowSummary(r.flow, r.latest)),
      next_cursor: rows.length > input.limit && last ? encodeCursor(last.flow.createdAt, last.flow.id) : null,
    };
  });
}

/** Saves a new draft version (latest + 1). Earlier versions, published or not, are never touched. */
export async function updateFlow({ ctx, input }: { ctx: ServiceContext; input: { id: string } & FlowUpdateInput }): Promise<Flow> {
  return withTenant(ctx, "flows:write", async (tx, p) => {
    const row = await findFlow(tx, input.id, true); // the lock serialises version numbers
    const definition = draftDefinition(input.definition);
    const next = (await latestVersion(tx, row.id)).version + 1;
    const [version] = await tx.insert(flowVersions).values({ tenantId: p.tenant.id, flowId: row.id, version: next, definition, createdBy: createdBy(p) }).returning();
    const [updated] = await tx
      .update(flows)
      .set({ updatedAt: sql`now()`, ...(input.name !== undefined && { name: input.name }), ...(input.description !== undefined && { description: input.description }) })
      .where(eq(flows.id, row.id))
      .returning();
    await track(tx, ctx, p, "drafted", input.id, { version: next });
    return toFlow(updated!, version!, next);
  });
}

/**
 * Publishes a version (the latest by default). Publishing an older one is the rollback. The graph is
 * validated here, not on save, so a draft may be work in progress; the previously published version
 * is archived, and conversations already running it keep their own copy of the definition.
 */
export async function publishFlow({ ctx, input }: { ctx: ServiceContext; input: { id: string; version?: number } }): Promise<Flow> {
  return withTenant(ctx, "flows:write", async (tx, p) => {
    const row = await findFlow(tx, input.id, true);
    const latest = await latestVersion(tx, row.id);
    const target = input.version === undefined ? latest : await findVersion(tx, row.id, input.version);
    if (row.publishedVersion === target.version) return toFlow(row, target, latest.version);
    const parsed = parseDefinition(target.definition);
    const problems = parsed.ok ? validateFlow(parsed.definition) : parsed.problems;
    if (problems.length > 0) throw flowInvalid(problems, `Version ${target.version} cannot be published`);
    const previous = row.publishedVersion;
    if (previous !== null) {
      await tx.update(flowVersions).set({ status: "archived" }).where(and(eq(flowVersions.flowId, row.id), eq(flowVersions.version, previous)));
    }
    const [published] = await tx
      .update(flowVersions)
      .set({ status: "published", publishedAt: sql`coalesce(${flowVersions.publishedAt}, now())` })
      .where(and(eq(flowVersions.flowId, row.id), eq(flowVersions.version, target.version)))
      .returning();
    const [updated] = await tx.update(flows).set({ publishedVersion: target.version, updatedAt: sql`now()` }).where(eq(flows.id, row.id)).returning();
    await track(tx, ctx, p, "published", row.id, { version: target.version, previous });
    return toFlow(updated!, published!, latest.version);
  });
}

export async function listFlowVersions({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return withTenant(ctx, "flows:read", async (tx) => {
    const row = await findFlow(tx, input.id);
    const versions = await tx.select().from(flowVersions).where(eq(flowVersions.flowId, row.id)).orderBy(desc(flowVersions.version)).limit(500);
    return { data: versions.map(toFlowVersion) };
  });
}
