import { z } from "@hono/zod-openapi";
import type { flows, flowVersions } from "../../db/schema";
import { FLOW_VERSION_STATUSES } from "../../db/schema";
import type { FlowProblem } from "../../flows/validate";
import { AppError } from "../../lib/errors";

type FlowRow = typeof flows.$inferSelect;
type VersionRow = typeof flowVersions.$inferSelect;

/** Either accepted shape (the contract's or seed 001's); the service parses it with the engine's schema. */
export const DefinitionInput = z.record(z.string(), z.unknown()).openapi("FlowDefinition", {
  description: "`{start, nodes: {<id>: {type, ...}}}` (or seed 001's `{start_node_id, nodes: [...]}`)",
  example: { start: "hello", nodes: { hello: { type: "message", text: { en: "Hello!", es: "¡Hola!" } } } },
});

export const FlowCreateInput = z
  .object({ name: z.string().trim().min(1).max(200), description: z.string().trim().max(2000).nullable().optional(), definition: DefinitionInput })
  .openapi("FlowInput");
export type FlowCreateInput = z.infer<typeof FlowCreateInput>;

export const FlowUpdateInput = z
  .object({ definition: DefinitionInput, name: z.string().trim().min(1).max(200).optional(), description: z.string().trim().max(2000).nullable().optional() })
  .openapi("FlowDraft");
export type FlowUpdateInput = z.infer<typeof FlowUpdateInput>;

export const FlowSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    description: z.string().nullable(),
    is_default: z.boolean(),
    published_version: z.number().int().nullable(),
    latest_version: z.number().int(),
    /** The version this body describes (the latest unless one was asked for, or the one just published). */
    version: z.number().int(),
    status: z.enum(FLOW_VERSION_STATUSES),
    definition: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Flow");
export type Flow = z.infer<typeof FlowSchema>;

export const FlowSummarySchema = FlowSchema.omit({ definition: true, version: true, status: true }).openapi("FlowSummary");
export type FlowSummary = z.infer<typeof FlowSummarySchema>;

export const FlowVersionSchema = z
  .object({
    version: z.number().int(),
    status: z.enum(FLOW_VERSION_STATUSES),
    created_by: z.string().uuid().nullable(),
    created_at: z.string(),
    published_at: z.string().nullable(),
  })
  .openapi("FlowVersion");
export type FlowVersion = z.infer<typeof FlowVersionSchema>;

export function toFlowSummary(row: FlowRow, latestVersion: number): FlowSummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    is_default: row.isDefault,
    published_version: row.publishedVersion,
    latest_version: latestVersion,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function toFlow(row: FlowRow, version: VersionRow, latestVersion: number): Flow {
  return { ...toFlowSummary(row, latestVersion), version: version.version, status: version.status, definition: version.definition };
}

export function toFlowVersion(row: VersionRow): FlowVersion {
  return {
    version: row.version,
    status: row.status,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    published_at: row.publishedAt?.toISOString() ?? null,
  };
}

/** The 422 a flow that cannot be saved or published answers with, each problem naming its node. */
export function flowInvalid(problems: FlowProblem[], what = "The flow is not valid"): AppError {
  const first = problems[0];
  const where = first ? `${first.node ? `node ${first.node}: ` : ""}${first.problem}` : "";
  return new AppError("FLOW_INVALID", where ? `${what}: ${where}` : what, { details: problems });
}
