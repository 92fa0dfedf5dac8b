import { readPath } from "./conditions";
import type { LocalizedText } from "./definition";

const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The paths a text refers to: `Hi {{contact.name}}` → `["contact.name"]`. */
export function templateRefs(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => m[1]!);
}

/** Fills `{{path}}` from the scope; a missing value renders as nothing rather than "undefined". */
export function render(text: string, scope: object): string {
  return text.replace(TEMPLATE, (_, path: string) => {
    const v = readPath(scope, path);
    if (v === undefined || v === null) return "";
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  });
}

/** Every string inside a text (one per language for a per-language map). */
export function textVariants(text: LocalizedText | undefined): string[] {
  if (text === undefined) return [];
  return typeof text === "string" ? [text] : Object.values(text);
}

/**
 * Picks the text for a language: the exact tag, then its base language (`pt-BR` → `pt`), then
 * `default`, then English, then whichever is first.
 */
export function pickText(text: LocalizedText, language: string | undefined): string {
  if (typeof text === "string") return text;
  const lang = language?.toLowerCase();
  const base = lang?.split("-")[0];
  return (lang && text[lang]) || (base && text[base]) || text.default || text.en || Object.values(text)[0] || "";
}
