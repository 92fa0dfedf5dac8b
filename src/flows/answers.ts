import { fold, patternProblem } from "./conditions";
import type { AskValidation } from "./definition";

/** An `ask` answer checked against its node's `validate`: the value to save, or not valid. */
export type AnswerCheck = { ok: true; value: unknown } | { ok: false };

function isoDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

function parseDate(text: string): string | null {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  // Day first: how most of the languages the default flow speaks write dates.
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (m) return isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

function matchOneOf(options: string[] | Record<string, string[]>, answer: string): AnswerCheck {
  const folded = fold(answer).trim();
  const words = new Set(folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean));
  const hit = (word: string) => {
    const w = fold(word).trim();
    return w !== "" && (folded === w || (w.includes(" ") ? folded.includes(w) : words.has(w)));
  };
  const entries: Array<[string, string[]]> = Array.isArray(options) ? options.map((o) => [o, []]) : Object.entries(options);
  for (const [value, synonyms] of entries) if (hit(value) || synonyms.some(hit)) return { ok: true, value };
  return { ok: false };
}

/**
 * Checks a customer's answer. Values are normalised on the way in (a lowercased email, a phone
 * without spaces, an ISO date, a number), so later nodes compare like with like.
 */
export function checkAnswer(validate: AskValidation | undefined, raw: string): AnswerCheck {
  const text = raw.trim();
  if (text === "") return { ok: false };
  if (validate === undefined) return { ok: true, value: text };
  if (validate === "email") {
    const e = text.toLowerCase();
    return /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/.test(e) && e.length <= 254 ? { ok: true, value: e } : { ok: false };
  }
  if (validate === "phone") {
    const p = text.replace(/[\s().-]/g, "");
    return /^\+?\d{6,15}$/.test(p) ? { ok: true, value: p } : { ok: false };
  }
  if (validate === "number") {
    const n = Number(text.replace(/\s/g, "").replace(/^(-?\d+),(\d+)$/, "$1.$2"));
    return Number.isFinite(n) ? { ok: true, value: n } : { ok: false };
  }
  if (validate === "date") {
    const d = parseDate(text);
    return d ? { ok: true, value: d } : { ok: false };
  }
  if ("regex" in validate) {
    if (patternProblem(validate.regex)) return { ok: false };
    return new RegExp(validate.regex, "u").test(text.slice(0, 2000)) ? { ok: true, value: text } : { ok: false };
  }
  return matchOneOf(validate.one_of, text);
}
