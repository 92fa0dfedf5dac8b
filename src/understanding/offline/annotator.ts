import type { Annotations, Annotator, UnderstandHints } from "../port.ts";
import { classifyIntent, priorityFor, urgencyFor } from "./classify.ts";
import { extractEntities } from "./entities.ts";
import { identifyLanguage, loadDetector } from "./language.ts";
import { analyzeSentiment, soundsPositive } from "./sentiment.ts";
import { normalize, tokenize } from "./text.ts";

/** Long pastes (email threads, logs) say nothing more about intent past this point and cost linear time. */
const MAX_CHARS = 4000;

/**
 * The offline default: runs inside the Worker with no network, in tens of microseconds per message once
 * the language data is loaded (the first message of an isolate pays the loading, see README).
 *
 * @example
 *   const a = await offlineAnnotator.understand("No puedo entrar a mi cuenta", { contactLanguage: "es" });
 *   // { language: "es", intent: "account_access_issue", priority: "P1", source: "local", ... }
 */
export async function understandOffline(text: string, hints: UnderstandHints = {}): Promise<Annotations> {
  const t = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  const language = identifyLanguage(await loadDetector(), t, hints);
  const tokens = tokenize(normalize(t));
  const entities = extractEntities(t);
  const intent = classifyIntent(t, tokens, {
    taxonomy: hints.taxonomy,
    positive: soundsPositive(t, tokens),
    mentionsAmount: entities.some((e) => e.type === "amount"),
    language,
  });
  const sentiment = await analyzeSentiment(t, tokens, language, intent.problem);
  const priority = priorityFor(intent, sentiment.label);
  return {
    language,
    intent: intent.intent,
    sentiment: { score: sentiment.score, label: sentiment.label },
    urgency: urgencyFor(t, tokens, priority, sentiment.anger),
    priority,
    entities,
    confidence: Math.round(intent.confidence * 100) / 100,
    source: "local",
  };
}

export const offlineAnnotator: Annotator = { name: "local", understand: understandOffline };
