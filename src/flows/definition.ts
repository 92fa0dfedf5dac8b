// zod as extended by @hono/zod-openapi: ConditionSchema is registered for the OpenAPI document (below).
import { z } from "@hono/zod-openapi";

/**
 * A bot flow as the contract defines it: `{start, nodes: {id: {type, ...}}}`. The schema is the one
 * place the shape lives; the validator (validate.ts) checks what a schema cannot (graph, URLs,
 * variables), and the interpreter trusts both.
 */

export const NODE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const nodeId = z.string().regex(NODE_ID, "Node ids are 1-64 letters, digits or _ . : -");
const MAX_TEXT = 4000;

/** A text, or one per language (`{en: "...", es: "..."}`), picked by the conversation's language. */
export const LocalizedText = z.union([
  z.string().min(1).max(MAX_TEXT),
  z
    .record(z.string().regex(/^([a-z]{2,3}(-[A-Za-z0-9]{2,8})?|default)$/, "Text keys are language codes or `default`"), z.string().min(1).max(MAX_TEXT))
    .refine((m) => Object.keys(m).length > 0, "A per-language text needs at least one language"),
]);
export type LocalizedText = z.infer<typeof LocalizedText>;

export const CONDITION_OPS = ["eq", "neq", "in", "gt", "gte", "lt", "lte", "contains", "matches", "exists"] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** Conditions are data or a CEL string; neither is ever run as JavaScript. */
export type Condition =
  | string
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { var: string; op: ConditionOp; value?: unknown };

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.string().min(1).max(1000),
    z.object({ all: z.array(ConditionSchema).min(1).max(50) }).strict(),
    z.object({ any: z.array(ConditionSchema).min(1).max(50) }).strict(),
    z.object({ not: ConditionSchema }).strict(),
    z.object({ var: z.string().min(1).max(200), op: z.enum(CONDITION_OPS), value: z.unknown().optional() }).strict(),
  ]),
  // Registered by name: the document refers to it by $ref, which is the only way to describe a recursive schema.
).openapi("Condition", { description: "A CEL string, or `{var, op, value}`, `{all: [...]}`, `{any: [...]}`, `{not: ...}`" });

/** How an `ask` checks its answer. `one_of` may map a canonical value to the words that mean it. */
export const AskValidation = z.union([
  z.enum(["email", "phone", "number", "date"]),
  z.object({ regex: z.string().min(1).max(500) }).strict(),
  z.object({ one_of: z.union([z.array(z.string().min(1).max(100)).min(1).max(100), z.record(z.string().min(1).max(100), z.array(z.string().min(1).max(100)).max(50))]) }).strict(),
]);
export type AskValidation = z.infer<typeof AskValidation>;

const varName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "Variable names are letters, digits and _");
const next = nodeId.optional();

export const NodeSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("message"), text: LocalizedText, next }).strict(),
  z
    .object({
      type: z.literal("ask"),
      text: LocalizedText,
      save_as: varName,
      validate: AskValidation.optional(),
      /** Said when an answer does not validate (defaults to asking `text` again). */
      invalid_text: LocalizedText.optional(),
      max_attempts: z.number().int().min(1).max(10).optional(),
      on_invalid: next,
      timeout_s: z.number().int().min(1).max(30 * 24 * 3600).optional(),
      next: nodeId,
      on_timeout: next,
    })
    .strict(),
  z.object({ type: z.literal("condition"), branches: z.array(z.object({ when: ConditionSchema, next: nodeId }).strict()).max(50), else: nodeId }).strict(),
  z.object({ type: z.literal("set"), assign: z.record(varName, z.unknown()), next }).strict(),
  z.object({ type: z.literal("knowledge_answer"), question: z.string().max(MAX_TEXT).optional(), next, on_no_answer: next }).strict(),
  z
    .object({
      type: z.literal("create_ticket"),
      title: z.string().max(500).optional(),
      category: z.string().max(100).optional(),
      priority: z.enum(["P0", "P1", "P2", "P3"]).optional(),
      next,
    })
    .strict(),
  z.object({ type: z.literal("escalate"), team_id: z.string().uuid().optional(), reason: z.string().max(500).optional(), skills: z.array(z.string().trim().toLowerCase().min(1).max(50)).max(20).optional() }).strict(),
  z
    .object({
      type: z.literal("reservation"),
      slot_date: z.string().max(200).optional(),
      slot_time: z.string().max(200).optional(),
      party_size: z.union([z.number().int().min(1).max(1000), z.string().max(200)]).optional(),
      reservation_type: z.string().max(100).optional(),
      next,
      on_unavailable: next,
    })
    .strict(),
  z
    .object({
      type: z.literal("http"),
      url: z.string().min(1).max(2000),
      method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).optional(),
      body: z.unknown().optional(),
      save_as: varName.optional(),
      next,
      on_error: next,
    })
    .strict(),
  z.object({ type: z.literal("wait"), seconds: z.number().int().min(1).max(30 * 24 * 3600), next: nodeId }).strict(),
  z.object({ type: z.literal("end") }).strict(),
]);
export type FlowNode = z.infer<typeof NodeSchema>;
export type NodeType = FlowNode["type"];

export const MAX_NODES = 200;

export const FlowDefinitionSchema = z
  .object({
    start: nodeId,
    nodes: z
      .record(nodeId, NodeSchema)
      .refine((n) => Object.keys(n).length >= 1, "A flow needs at least one node")
      .refine((n) => Object.keys(n).length <= MAX_NODES, `A flow has at most ${MAX_NODES} nodes`),
  })
  .strict();
export type FlowDefinition = z.infer<typeof FlowDefinitionSchema>;

/** Every node id a node can move to, with the field that names it (for error messages). */
export function edgesOf(node: FlowNode): Array<{ field: string; to: string }> {
  const out: Array<{ field: string; to: string | undefined }> = [];
  switch (node.type) {
    case "ask":
      out.push({ field: "next", to: node.next }, { field: "on_timeout", to: node.on_timeout }, { field: "on_invalid", to: node.on_invalid });
      break;
    case "condition":
      for (const [i, b] of node.branches.entries()) out.push({ field: `branches[${i}].next`, to: b.next });
      out.push({ field: "else", to: node.else });
      break;
    case "knowledge_answer":
      out.push({ field: "next", to: node.next }, { field: "on_no_answer", to: node.on_no_answer });
      break;
    case "reservation":
      out.push({ field: "next", to: node.next }, { field: "on_unavailable", to: node.on_unavailable });
      break;
    case "http":
      out.push({ field: "next", to: node.next }, { field: "on_error", to: node.on_error });
      break;
    case "message":
    case "set":
    case "create_ticket":
    case "wait":
      out.push({ field: "next", to: node.next });
      break;
    case "escalate":
    case "end":
      break;
  }
  return out.filter((e): e is { field: string; to: string } => e.to !== undefined);
}

/** Turns a schema failure into the validator's `[{node, problem}]` shape. */
export function schemaProblems(error: z.ZodError): Array<{ node: string | null; problem: string }> {
  return error.issues.slice(0, 50).map((i) => {
    const [root, id, ...rest] = i.path.map(String);
    const node = root === "nodes" && id !== undefined ? id : null;
    const where = node ? rest.join(".") : i.path.join(".");
    return { node, problem: where ? `${where}: ${i.message}` : i.message };
  });
}

/** Seed 001's stored shape: a node list where each node does one action and routes by consequences. */
const SeedDefinition = z.object({
  start_node_id: z.string(),
  nodes: z
    .array(
      z.object({
        id: z.string(),
        action: z.object({ type: z.string(), payload: z.record(z.string(), z.unknown()).optional() }),
        consequences: z.array(z.object({ condition: z.unknown().optional(), next_node_id: z.string() })).optional(),
      }),
    )
    .max(MAX_NODES),
});

const isAlways = (c: unknown) => c === undefined || c === null || c === "" || c === true || c === "true" || c === "always" || c === "default";
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * Converts seed 001's shape into the contract's. A node's conditional consequences become a
 * `condition` node placed after it (`<id>__route`); its unconditional one is the `else` (or the plain
 * `next` when it is the only one). Unknown action types are kept as `message` nodes whose text says
 * so, so the validator names them instead of the import silently dropping them.
 */
export function fromSeedShape(raw: z.infer<typeof SeedDefinition>): unknown {
  const nodes: Record<string, unknown> = {};
  for (const n of raw.nodes) {
    const p = n.action.payload ?? {};
    const conditional = (n.consequences ?? []).filter((c) => !isAlways(c.condition));
    const fallback = (n.consequences ?? []).find((c) => isAlways(c.condition))?.next_node_id;
    let next: string | undefined = fallback;
    if (conditional.length > 0) {
      const routeId = `${n.id}__route`;
      let otherwise = fallback;
      if (!otherwise) {
        otherwise = `${n.id}__end`;
        nodes[otherwise] = { type: "end" };
      }
      nodes[routeId] = { type: "condition", branches: conditional.map((c) => ({ when: c.condition, next: c.next_node_id })), else: otherwise };
      next = routeId;
    }
    const withNext = next ? { next } : {};
    switch (n.action.type) {
      case "reply":
        nodes[n.id] = { type: "message", text: p.text ?? p.message ?? p.reply ?? "", ...withNext };
        break;
      case "create_ticket":
        nodes[n.id] = { type: "create_ticket", ...(str(p.title) && { title: p.title }), ...(str(p.category) && { category: p.category }), ...(str(p.priority) && { priority: p.priority }), ...withNext };
        break;
      case "escalate_human":
        nodes[n.id] = { type: "escalate", ...(str(p.reason) && { reason: p.reason }), ...(str(p.team_id) && { team_id: p.team_id }) };
        break;
      case "call_microservice":
        nodes[n.id] = {
          type: "http",
          url: str(p.url) ?? str(p.endpoint) ?? "",
          ...(str(p.method) && { method: String(p.method).toUpperCase() }),
          ...(p.body !== undefined && { body: p.body }),
          ...(str(p.save_as) && { save_as: p.save_as }),
          ...withNext,
        };
        break;
      case "end":
        nodes[n.id] = { type: "end" };
        break;
      default:
        nodes[n.id] = { type: "unsupported", action: n.action.type };
    }
  }
  return { start: raw.start_node_id, nodes };
}

/**
 * Reads a definition in either accepted shape. Returns the parsed definition, or the problems that
 * stop it from being one (each naming its node where there is one).
 *
 * @example
 *   const r = parseDefinition(body.definition);
 *   if (!r.ok) throw flowInvalid(r.problems);
 */
export function parseDefinition(raw: unknown): { ok: true; definition: FlowDefinition } | { ok: false; problems: Array<{ node: string | null; problem: string }> } {
  let candidate = raw;
  if (raw && typeof raw === "object" && "start_node_id" in raw) {
    const seed = SeedDefinition.safeParse(raw);
    if (!seed.success) return { ok: false, problems: schemaProblems(seed.error) };
    candidate = fromSeedShape(seed.data);
  }
  const parsed = FlowDefinitionSchema.safeParse(candidate);
  return parsed.success ? { ok: true, definition: parsed.data } : { ok: false, problems: schemaProblems(parsed.error) };
}
