import { conditionProblems } from "./conditions";
import { edgesOf, type FlowDefinition, type FlowNode } from "./definition";
import { httpTargetProblem } from "./http-target";
import { templateRefs, textVariants } from "./templates";

export interface FlowProblem {
  /** The node at fault, or null for the flow as a whole. */
  node: string | null;
  problem: string;
}

/** Variables the engine itself sets when a node of that type runs. */
const ENGINE_VARS: Partial<Record<FlowNode["type"], string[]>> = {
  create_ticket: ["ticket_id", "ticket_number"],
  reservation: ["confirmation_code", "reservation_id"],
  knowledge_answer: ["answer"],
};
const CONTACT_FIELDS = new Set(["name", "email", "phone", "language", "attributes", "id"]);
const ANNOTATION_FIELDS = new Set(["language", "intent", "sentiment", "urgency", "priority", "entities", "source"]);

function assignedBy(node: FlowNode): string[] {
  const own = ENGINE_VARS[node.type] ?? [];
  if (node.type === "set") return [...own, ...Object.keys(node.assign)];
  if (node.type === "ask") return [...own, node.save_as];
  if (node.type === "http" && node.save_as) return [...own, node.save_as];
  return own;
}

/** Every template-bearing string of a node, `set` values and `http` bodies included. */
function textsOf(node: FlowNode): string[] {
  const strings = (v: unknown): string[] =>
    typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === "object" ? Object.values(v).flatMap(strings) : [];
  switch (node.type) {
    case "message":
      return textVariants(node.text);
    case "ask":
      return [...textVariants(node.text), ...textVariants(node.invalid_text)];
    case "set":
      return strings(node.assign);
    case "knowledge_answer":
      return node.question ? [node.question] : [];
    case "create_ticket":
      return node.title ? [node.title] : [];
    case "escalate":
      return node.reason ? [node.reason] : [];
    case "reservation":
      return strings([node.slot_date, node.slot_time, node.party_size]);
    case "http":
      return [node.url, ...strings(node.body)];
    default:
      return [];
  }
}

/** Nodes from which `target` can be reached (not counting `target` itself unless it is on a cycle). */
function ancestors(def: FlowDefinition, target: string): Set<string> {
  const preds = new Map<string, string[]>();
  for (const [id, node] of Object.entries(def.nodes)) for (const e of edgesOf(node)) preds.set(e.to, [...(preds.get(e.to) ?? []), id]);
  const seen = new Set<string>();
  const stack = [...(preds.get(target) ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(preds.get(id) ?? []));
  }
  return seen;
}

/** A cycle made only of nodes that never pause would spin until the step budget stops it. */
function pauselessCycles(def: FlowDefinition): FlowProblem[] {
  const pauses = (id: string) => {
    const t = def.nodes[id]?.type;
    return t === "ask" || t === "wait";
  };
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const out: FlowProblem[] = [];
  const reported = new Set<string>();
  const visit = (id: string) => {
    state.set(id, "open");
    path.push(id);
    for (const { to } of edgesOf(def.nodes[id]!)) {
      if (!def.nodes[to] || pauses(to)) continue;
      if (state.get(to) === "open") {
        const cycle = path.slice(path.indexOf(to));
        if (!cycle.some((n) => reported.has(n))) {
          for (const n of cycle) reported.add(n);
          out.push({ node: to, problem: `is on a cycle with no ask or wait: ${[...cycle, to].join(" → ")}` });
        }
      } else if (!state.has(to)) visit(to);
    }
    path.pop();
    state.set(id, "done");
  };
  for (const id of Object.keys(def.nodes)) if (!pauses(id) && !state.has(id)) visit(id);
  return out;
}

/**
 * Everything that stops a flow from being published, each naming its node: the start exists, every
 * target exists, every node is reachable, no cycle runs without pausing, `http` targets are public
 * HTTPS, template variables are known where they are used, and conditions compile.
 *
 * @example
 *   validateFlow({ start: "a", nodes: { a: { type: "message", text: "Hi", next: "b" } } })
 *   // → [{ node: "a", problem: "next points to missing node b" }]
 */
export function validateFlow(def: FlowDefinition): FlowProblem[] {
  const problems: FlowProblem[] = [];
  if (!def.nodes[def.start]) problems.push({ node: null, problem: `start node ${def.start} does not exist` });

  for (const [id, node] of Object.entries(def.nodes)) {
    for (const e of edgesOf(node)) if (!def.nodes[e.to]) problems.push({ node: id, problem: `${e.field} points to missing node ${e.to}` });
  }

  if (def.nodes[def.start]) {
    const reached = new Set<string>();
    const stack = [def.start];
    while (stack.length) {
      const id = stack.pop()!;
      if (reached.has(id) || !def.nodes[id]) continue;
      reached.add(id);
      stack.push(...edgesOf(def.nodes[id]!).map((e) => e.to));
    }
    for (const id of Object.keys(def.nodes)) if (!reached.has(id)) problems.push({ node: id, problem: "is not reachable from the start" });
  }

  problems.push(...pauselessCycles(def));

  for (const [id, node] of Object.entries(def.nodes)) {
    if (node.type === "http") {
      const p = httpTargetProblem(node.url);
      if (p) problems.push({ node: id, problem: p });
    }
    if (node.type === "condition") {
      node.branches.forEach((b, i) => {
        for (const p of conditionProblems(b.when)) problems.push({ node: id, problem: `branches[${i}].when: ${p}` });
      });
    }
    if (node.type === "ask" && node.validate && typeof node.validate === "object" && "regex" in node.validate) {
      const p = conditionProblems({ var: "message.text", op: "matches", value: node.validate.regex });
      for (const q of p) problems.push({ node: id, problem: `validate.regex: ${q}` });
    }
    const refs = textsOf(node).flatMap(templateRefs);
    if (refs.length === 0) continue;
    let known: Set<string> | undefined;
    for (const ref of refs) {
      const [root, field] = ref.split(".");
      if (root === "vars" && field) {
        known ??= new Set([...ancestors(def, id)].flatMap((a) => assignedBy(def.nodes[a]!)));
        if (!known.has(field)) problems.push({ node: id, problem: `uses {{${ref}}}, which no earlier set, ask or http node assigns` });
      } else if (root === "contact" && field && CONTACT_FIELDS.has(field)) continue;
      else if (root === "annotations" && field && ANNOTATION_FIELDS.has(field)) continue;
      else if (root !== "vars") problems.push({ node: id, problem: `uses unknown variable {{${ref}}} (use contact.*, vars.* or annotations.*)` });
      else problems.push({ node: id, problem: `uses unknown variable {{${ref}}}` });
    }
  }
  return problems;
}
