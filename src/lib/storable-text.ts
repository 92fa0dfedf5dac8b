import { z } from "zod";
import { AppError } from "./errors";

/**
 * What Postgres can store. `text` refuses NUL (U+0000); `jsonb` refuses NUL escapes and lone UTF-16
 * surrogates (JSON.stringify writes them as `\ud800`); `text` gets them as U+FFFD, silently changed.
 * Either way the database would answer for the client's mistake with a 500, or change the data, so
 * input is refused at the edge, naming the field.
 */
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(value: string): string | undefined {
  if (value.includes("\u0000")) return "must not contain NUL characters";
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode text (it has a lone surrogate)";
  return undefined;
}

/** A zod string that Postgres can store, with a maximum length (in UTF-16 code units, as zod counts). */
export const storableText = (max: number) => z.string().max(max).superRefine(refineText);

/** The same check as a zod refinement, to add to an existing string schema. */
export function refineText(value: string, ctx: z.RefinementCtx): void {
  const problem = textProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `Text ${problem}` });
}

export interface JsonLimits {
  /** Nesting below the value itself: `{a:{b:1}}` has depth 2. */
  maxDepth: number;
  /** Size of the value as JSON, in UTF-16 code units. */
  maxChars: number;
}

/** Free-form JSON a client may store (contact attributes): bounded so one row cannot be a bomb. */
export const ATTRIBUTE_LIMITS: JsonLimits = { maxDepth: 8, maxChars: 16 * 1024 };

/**
 * The first place in a JSON value (strings and object keys alike) Postgres could not store, or that is
 * deeper than `maxDepth`, as a dotted path; undefined when all is well. Iterative, so a hostile depth
 * cannot overflow the stack here.
 */
export function findUnstorable(value: unknown, maxDepth = Number.POSITIVE_INFINITY): { path: string; message: string } | undefined {
  const stack: Array<{ v: unknown; path: string[]; depth: number }> = [{ v: value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === "string") {
      const problem = textProblem(v);
      if (problem) return { path: path.join("."), message: `Text ${problem}` };
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (depth >= maxDepth) return { path: path.join("."), message: `Nested deeper than ${maxDepth} levels` };
    for (const [k, child] of Object.entries(v)) {
      const problem = textProblem(k);
      if (problem) return { path: [...path, k].join("."), message: `Key ${problem}` };
      stack.push({ v: child, path: [...path, k], depth: depth + 1 });
    }
  }
  return undefined;
}

/** A zod refinement for free-form JSON: storable text, bounded depth and size. */
export function refineJson(limits: JsonLimits) {
  return (value: unknown, ctx: z.RefinementCtx): void => {
    const bad = findUnstorable(value, limits.maxDepth);
    if (bad) {
      ctx.addIssue({ code: "custom", message: bad.message, path: bad.path ? bad.path.split(".") : [] });
      return;
    }
    if (JSON.stringify(value).length > limits.maxChars) ctx.addIssue({ code: "custom", message: `Must be at most ${limits.maxChars} characters as JSON` });
  };
}

/** Throws the contract's 400 for the first unstorable place in a request's input (see storable-input). */
export function assertStorable(value: unknown, where: string, maxDepth = 32): void {
  const bad = findUnstorable(value, maxDepth);
  if (!bad) return;
  const field = [where, bad.path].filter(Boolean).join(".");
  throw new AppError("VALIDATION_FAILED", `${field || "body"}: ${bad.message}`, { field: field || undefined, issues: [{ path: field, message: bad.message }] });
}
