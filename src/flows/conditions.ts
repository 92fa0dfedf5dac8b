import { Environment } from "@marcbachmann/cel-js";
import type { Condition } from "./definition";

/**
 * What a condition sees. `annotations` is the message group's understanding; its common fields are
 * also top-level (`intent`, `priority`, ...) so rules read like the product talks.
 */
export interface ConditionScope {
  annotations: Record<string, unknown>;
  intent: unknown;
  sentiment: unknown;
  sentiment_score: unknown;
  urgency_score: unknown;
  priority: unknown;
  language: unknown;
  contact: Record<string, unknown>;
  vars: Record<string, unknown>;
  message: { text: string };
  channel: { type: string | null };
}

export const SCOPE_ROOTS = ["annotations", "intent", "sentiment", "sentiment_score", "urgency_score", "priority", "language", "contact", "vars", "message", "channel"] as const;

// Undeclared names are dynamic: the scope's shape is open (vars, contact attributes), and the sandbox
// is the language itself — CEL has no loops, no I/O and no access to JavaScript globals.
const cel = new Environment({ unlistedVariablesAreDyn: true, limits: { maxAstNodes: 500, maxDepth: 32, maxListElements: 200, maxMapEntries: 200, maxCallArguments: 8 } });
const compiled = new Map<string, (ctx: Record<string, unknown>) => unknown>();

function compileCel(expr: string) {
  let fn = compiled.get(expr);
  if (!fn) {
    fn = cel.parse(expr) as unknown as (ctx: Record<string, unknown>) => unknown;
    if (compiled.size > 500) compiled.clear();
    compiled.set(expr, fn);
  }
  return fn;
}

/** Null when the CEL string parses, else why not. */
export function celProblem(expr: string): string | null {
  try {
    compileCel(expr);
    return null;
  } catch (err) {
    return `CEL does not compile: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}`;
  }
}

export const MAX_PATTERN = 500;
const MAX_MATCHED_TEXT = 2000;

/**
 * Null when a `matches` pattern is safe to run on customer text, else why not. Patterns are short,
 * have no back-references, and no quantified group that itself contains a quantifier — the shape
 * (`(a+)+`, `(a|aa)*`-like nesting) behind catastrophic backtracking.
 */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN) return `pattern is longer than ${MAX_PATTERN} characters`;
  if (/\\[1-9]|\\k</.test(pattern)) return "pattern uses a back-reference";
  try {
    new RegExp(pattern, "iu");
  } catch {
    return "pattern is not a valid regular expression";
  }
  const groups: boolean[] = []; // per open group: does it contain a quantifier?
  let lastClosedHadQuantifier = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      i++;
      lastClosedHadQuantifier = false;
      continue;
    }
    if (ch === "[") {
      while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1;
      lastClosedHadQuantifier = false;
      continue;
    }
    if (ch === "(") groups.push(false);
    else if (ch === ")") lastClosedHadQuantifier = groups.pop() ?? false;
    else if (ch === "*" || ch === "+" || ch === "{") {
      if (lastClosedHadQuantifier) return "pattern nests a quantifier inside a repeated group";
      if (groups.length > 0) groups[groups.length - 1] = true;
      if (ch === "{") while (i < pattern.length && pattern[i] !== "}") i++;
      lastClosedHadQuantifier = false;
    } else if (ch === "|") {
      // Alternation inside a repeated group backtracks like a quantifier.
      if (groups.length > 0) groups[groups.length - 1] = true;
    } else if (ch !== "?") lastClosedHadQuantifier = false;
  }
  return null;
}

/** Reads `a.b.c` from the scope; own properties only, so `constructor` and friends are never reached. */
export function readPath(scope: object, path: string): unknown {
  let cur: unknown = scope;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Case- and accent-insensitive form for keyword rules written by people ("Quiero" matches "quiero"). */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ");
}

const num = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN);

function compare(actual: unknown, op: string, expected: unknown): boolean {
  switch (op) {
    case "eq":
      return actual === expected;
    case "neq":
      return actual !== expected;
    case "in":
      return Array.isArray(expected) && expected.includes(actual);
    case "gt":
      return num(actual) > num(expected);
    case "gte":
      return num(actual) >= num(expected);
    case "lt":
      return num(actual) < num(expected);
    case "lte":
      return num(actual) <= num(expected);
    case "contains": {
      const needles = Array.isArray(expected) ? expected : [expected];
      if (Array.isArray(actual)) return needles.some((n) => actual.includes(n));
      if (typeof actual !== "string") return false;
      const hay = fold(actual);
      return needles.some((n) => typeof n === "string" && n !== "" && hay.includes(fold(n)));
    }
    case "matches":
      if (typeof actual !== "string" || typeof expected !== "string" || patternProblem(expected)) return false;
      return new RegExp(expected, "iu").test(actual.slice(0, MAX_MATCHED_TEXT));
    case "exists":
      return expected === false ? actual === undefined || actual === null : actual !== undefined && actual !== null && actual !== "";
    default:
      return false;
  }
}

/**
 * Evaluates a condition against the scope. A CEL expression that fails at run time (a missing key,
 * a type mismatch) is false, not an error: a rule about a variable not yet set simply does not hold.
 */
export function evaluateCondition(cond: Condition, scope: ConditionScope): boolean {
  if (typeof cond === "string") {
    try {
      return compileCel(cond)(scope as unknown as Record<string, unknown>) === true;
    } catch {
      return false;
    }
  }
  if ("all" in cond) return cond.all.every((c) => evaluateCondition(c, scope));
  if ("any" in cond) return cond.any.some((c) => evaluateCondition(c, scope));
  if ("not" in cond) return !evaluateCondition(cond.not, scope);
  return compare(readPath(scope, cond.var), cond.op, cond.value);
}

/** Every problem a condition has before it runs: CEL that does not compile, unsafe patterns, unknown roots. */
export function conditionProblems(cond: Condition): string[] {
  if (typeof cond === "string") {
    const p = celProblem(cond);
    return p ? [p] : [];
  }
  if ("all" in cond) return cond.all.flatMap(conditionProblems);
  if ("any" in cond) return cond.any.flatMap(conditionProblems);
  if ("not" in cond) return conditionProblems(cond.not);
  const out: string[] = [];
  const root = cond.var.split(".")[0]!;
  if (!(SCOPE_ROOTS as readonly string[]).includes(root)) out.push(`condition reads unknown \`${cond.var}\` (known: ${SCOPE_ROOTS.join(", ")})`);
  if (cond.op === "matches") {
    const p = typeof cond.value === "string" ? patternProblem(cond.value) : "`matches` needs a string pattern";
    if (p) out.push(p);
  }
  if (cond.op === "in" && !Array.isArray(cond.value)) out.push("`in` needs a list value");
  return out;
}
