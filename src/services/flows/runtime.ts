import { and, eq, sql, type SQL } from "drizzle-orm";
import { DEFAULT_FLOW_DESCRIPTION, DEFAULT_FLOW_NAME, defaultFlowDefinition } from "../../../tenants/default-flow";
import type { ReadDb, Tx } from "../../db/client";
import { flowActionLogs, flows, flowVersions } from "../../db/schema";
import { parseDefinition, type FlowDefinition } from "../../flows/definition";
import type { FlowStep } from "../../flows/interpreter";
import { setBounded } from "../../lib/bounded-map";
import { notFound } from "../../lib/errors";
import { insertFlow } from "./flows";

/** A published flow version, ready for the interpreter. */
export interface RunnableFlow {
  flowId: string;
  version: number;
  definition: FlowDefinition;
}

/**
 * Creates and publishes the workspace's default flow, once: a second call (a retried sign-up, a
 * backfill) finds it and changes nothing. `tx` must be scoped to `tenantId`.
 *
 * @example
 *   await withTenant(ctx, null, (tx, p) => ensureDefaultFlow(tx, p.tenant.id));
 */
export async function ensureDefaultFlow(tx: Tx, tenantId: string): Promise<{ flowId: string; created: boolean }> {
  const [existing] = await tx.select({ id: flows.id }).from(flows).where(and(eq(flows.tenantId, tenantId), eq(flows.isDefault, true))).limit(1);
  if (existing) return { flowId: existing.id, created: false };
  const created = await insertFlow(tx, tenantId, {
    name: DEFAULT_FLOW_NAME,
    description: DEFAULT_FLOW_DESCRIPTION,
    definition: defaultFlowDefinition() as unknown as Record<string, unknown>,
    isDefault: true,
    createdBy: null,
  });
  if (!created) {
    // A concurrent call won the one-default index; use its flow.
    const [winner] = await tx.select({ id: flows.id }).from(flows).where(and(eq(flows.tenantId, tenantId), eq(flows.isDefault, true))).limit(1);
    return { flowId: winner!.id, created: false };
  }
  await tx.update(flowVersions).set({ status: "published", publishedAt: sql`now()` }).where(and(eq(flowVersions.flowId, created.row.id), eq(flowVersions.version, 1)));
  await tx.update(flows).set({ publishedVersion: 1 }).where(eq(flows.id, created.row.id));
  return { flowId: created.row.id, created: true };
}

/** Parsed versions kept per isolate (see runnable), least recently used first. */
const PARSED_MAX = 256;
const parsedVersions = new Map<string, FlowDefinition>();

/** Freezes a parsed definition all the way down: the copy is shared by every turn that runs it. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * A stored version, parsed for the interpreter (null when it is not a valid definition). A version's
 * definition never changes once saved (an edit is a new version), so each isolate parses a version
 * once, not on every bot turn (the schema check was 1.5% of the Worker's time in bench:brain).
 * The cached copy is frozen, so no run can change what another run sees.
 */
export function runnable(row: { flowId: string; version: number; definition: Record<string, unknown> } | undefined): RunnableFlow | null {
  if (!row) return null;
  const key = `${row.flowId}:${row.version}`;
  let definition = parsedVersions.get(key);
  if (!definition) {
    const parsed = parseDefinition(row.definition);
    if (!parsed.ok) return null;
    definition = deepFreeze(parsed.definition);
  }
  parsedVersions.delete(key); // most recently used last
  setBounded(parsedVersions, key, definition, PARSED_MAX);
  return { flowId: row.flowId, version: row.version, definition };
}

/**
 * The published version a channel's new conversations run: the channel's own flow when it has a
 * published one, else the workspace default. Null when neither exists (the bot stays silent).
 * A conversation already under way keeps the version it started with (see `loadFlowVersion`).
 */
export async function resolveFlowForChannel(tx: Tx, channelId: string): Promise<RunnableFlow | null> {
  const result = await tx.execute<FlowVersionRow>(channelFlowQuery(channelId));
  return runnable(result.rows[0]);
}

export type FlowVersionRow = { flowId: string; version: number; definition: Record<string, unknown> };

/** `resolveFlowForChannel`'s statement; the channel may be given as a subquery (to ride in a batch). */
export function channelFlowQuery(channelId: string | SQL): SQL {
  return sql`
    select v.flow_id as "flowId", v.version, v.definition
    from channels c
    join flows f on f.id = coalesce(
      (select own.id from flows own where own.id = c.flow_id and own.tenant_id = c.tenant_id and own.published_version is not null),
      (select d.id from flows d where d.tenant_id = c.tenant_id and d.is_default and d.published_version is not null))
    join flow_versions v on v.flow_id = f.id and v.version = f.published_version
    where c.id = ${channelId}
    limit 1`;
}

/** One exact version, for a conversation pinned to the version it started on. */
export async function loadFlowVersion(tx: Tx, flowId: string, version: number): Promise<RunnableFlow> {
  const [row] = await tx
    .select({ flowId: flowVersions.flowId, version: flowVersions.version, definition: flowVersions.definition })
    .from(flowVersions)
    .where(and(eq(flowVersions.flowId, flowId), eq(flowVersions.version, version)))
    .limit(1);
  const flow = runnable(row);
  if (!flow) throw notFound("Flow version");
  return flow;
}

/** Checks a flow id belongs to the transaction's workspace (a channel naming another's flow is a 404). */
export async function assertFlowVisible(tx: Tx, flowId: string): Promise<void> {
  const [row] = await tx.select({ id: flows.id }).from(flows).where(eq(flows.id, flowId)).limit(1);
  if (!row) throw notFound("Flow");
}

/** Writes one flow action log row per step a run took (seed 001), in the caller's transaction. */
export async function recordFlowSteps(tx: Tx, run: FlowStepsRun): Promise<void> {
  const insert = flowStepsInsert(tx, run);
  if (insert) await insert;
}

export interface FlowStepsRun {
  tenantId: string;
  conversationId: string | null;
  groupId: string | null;
  flowId: string;
  version: number;
  steps: FlowStep[];
  durationMs?: number;
}

/** The action log rows' insert as a statement (not run), for a batch; undefined when the run took no step. */
export function flowStepsInsert(db: ReadDb, run: FlowStepsRun) {
  if (run.steps.length === 0) return undefined;
  return db.insert(flowActionLogs).values(
    run.steps.map((s, i) => ({
      tenantId: run.tenantId,
      conversationId: run.conversationId,
      groupId: run.groupId,
      flowId: run.flowId,
      version: run.version,
      nodeId: s.node,
      nodeType: s.type,
      outcome: s.outcome,
      detail: s.detail ?? {},
      // The run is timed as a whole; its duration is recorded once, on its first step.
      durationMs: i === 0 ? (run.durationMs ?? null) : null,
    })),
  );
}
