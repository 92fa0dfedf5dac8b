import { z } from "zod";

/**
 * The annotator port: one interface, three adapters (offline rules inside the Worker, Workers AI, any
 * OpenAI-compatible endpoint). Every adapter answers the same shape, checked with the schema below, so a
 * model's answer is never trusted as-is.
 */

/** Seed 002's taxonomy; a workspace may add intents of its own (`UnderstandHints.taxonomy`). */
export const DEFAULT_INTENTS = [
  "how_to_guidance",
  "account_access_issue",
  "transaction_system_failure",
  "bug_technical_defect",
  "urgent_high_risk",
  "noise_low_intent",
  "unknown",
] as const;
export type DefaultIntent = (typeof DEFAULT_INTENTS)[number];

export const SENTIMENT_LABELS = ["positive", "neutral", "negative", "angry"] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];
export const PRIORITIES = ["P0", "P1", "P2", "P3"] as const;
export type Priority = (typeof PRIORITIES)[number];
export const ENTITY_TYPES = ["order_id", "transaction_id", "email", "phone", "amount", "date"] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** Lowercase ISO 639-1, or "und" when the text does not tell and nothing else is known. */
export const LanguageCode = z.string().regex(/^(?:[a-z]{2}|und)$/, "a lowercase ISO 639-1 code or und");

export const EntitySchema = z.object({ type: z.enum(ENTITY_TYPES), value: z.string().min(1).max(200) });
export type Entity = z.infer<typeof EntitySchema>;

/** What a model must answer (and what the offline adapter produces before `source` is set). */
export const AnnotationFieldsSchema = z.object({
  language: LanguageCode,
  intent: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/),
  sentiment: z.object({ score: z.number().min(-1).max(1), label: z.enum(SENTIMENT_LABELS) }),
  urgency: z.number().min(0).max(1),
  priority: z.enum(PRIORITIES),
  entities: z.array(EntitySchema).max(50),
  confidence: z.number().min(0).max(1).optional(),
});

export const AnnotationsSchema = AnnotationFieldsSchema.extend({
  /** Who produced it: `local`, `workers-ai`, `openai-compatible`, or `local (fallback: <why>)`. */
  source: z.string().min(1),
  /** Set when a configured provider was skipped or failed and the offline adapter answered instead. */
  fallback_reason: z.string().optional(),
});
export type AnnotationFields = z.infer<typeof AnnotationFieldsSchema>;
export type Annotations = z.infer<typeof AnnotationsSchema>;

/** A workspace's own intent, recognised offline by its keywords (any language, matched whole-word). */
export interface CustomIntent {
  intent: string;
  keywords: string[];
  /** Priority when this intent wins and nothing more urgent is said; defaults to P2. */
  priority?: Priority;
}

export interface UnderstandHints {
  /** The caller's guess (API `language_hint`, channel locale); used when the text is too short to tell. */
  languageHint?: string;
  /** The contact's known language from earlier conversations; preferred over the hint for short texts. */
  contactLanguage?: string;
  taxonomy?: CustomIntent[];
}

export interface Annotator {
  /** `local`, `workers-ai`, `openai-compatible`. */
  readonly name: string;
  understand(text: string, hints?: UnderstandHints): Promise<Annotations>;
}

/** The intents a model may answer with: the defaults plus the workspace's own. */
export function intentsFor(hints?: UnderstandHints): string[] {
  return [...DEFAULT_INTENTS, ...(hints?.taxonomy ?? []).map((t) => t.intent)];
}
