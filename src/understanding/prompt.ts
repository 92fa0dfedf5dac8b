import { AnnotationFieldsSchema, type AnnotationFields, ENTITY_TYPES, intentsFor, PRIORITIES, SENTIMENT_LABELS, type UnderstandHints } from "./port.ts";

/**
 * What both model adapters send and how they read the answer. The customer's text goes in the user
 * message only, never into the instructions, and the answer is validated field by field: a model that
 * invents an intent or a priority is treated like a provider error (the offline adapter answers).
 */

export function annotationJsonSchema(hints?: UnderstandHints) {
  return {
    type: "object",
    additionalProperties: false,
    required: ["language", "intent", "sentiment", "urgency", "priority", "entities"],
    properties: {
      language: { type: "string", description: "ISO 639-1 code in lowercase, or und" },
      intent: { type: "string", enum: intentsFor(hints) },
      sentiment: {
        type: "object",
        required: ["score", "label"],
        properties: { score: { type: "number", minimum: -1, maximum: 1 }, label: { type: "string", enum: [...SENTIMENT_LABELS] } },
      },
      urgency: { type: "number", minimum: 0, maximum: 1 },
      priority: { type: "string", enum: [...PRIORITIES] },
      entities: {
        type: "array",
        items: { type: "object", required: ["type", "value"], properties: { type: { type: "string", enum: [...ENTITY_TYPES] }, value: { type: "string" } } },
      },
      confidence: { type: "number", minimum: 0, maximum: 1 },
    },
  };
}

export function annotationMessages(text: string, hints?: UnderstandHints) {
  const custom = (hints?.taxonomy ?? []).map((t) => `${t.intent} (${t.keywords.slice(0, 8).join(", ")})`).join("; ");
  const known = hints?.contactLanguage ?? hints?.languageHint;
  const system = [
    "You annotate one customer-support chat message. Answer with a single JSON object only.",
    `intent: one of ${intentsFor(hints).join(", ")}.${custom ? ` Workspace intents: ${custom}.` : ""}`,
    "urgent_high_risk = fraud, account takeover, security, outage, safety or legal threat; noise_low_intent = greetings, thanks, acknowledgements.",
    `sentiment.label: ${SENTIMENT_LABELS.join(", ")} (angry = insults, profanity, shouting, threats to leave or sue); sentiment.score in -1..1.`,
    "priority: P0 outage/fraud/security/safety/legal threat, P1 money lost or cannot access or angry, P2 normal problem, P3 question or noise.",
    "urgency in 0..1. entities: order_id, transaction_id, email, phone, amount (\"<number> <ISO currency>\"), date, each {type, value}.",
    `language: ISO 639-1 lowercase of the message${known ? `; if the message is too short to tell, use ${known}` : ""}, or und.`,
  ].join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: text },
  ];
}

/** Thrown for an answer that is not the annotations object; the message names what was wrong. */
export class InvalidAnswer extends Error {
  override name = "InvalidAnswer";
}

/** Accepts an object or a JSON string (some models wrap it in a code fence). */
export function parseAnswer(raw: unknown, hints?: UnderstandHints): AnnotationFields {
  let value = raw;
  if (typeof value === "string") {
    const body = value.trim().replace(/^```(?:json)?\s*/i, "").replace(/```$/, "");
    try {
      value = JSON.parse(body);
    } catch {
      throw new InvalidAnswer("answer is not JSON");
    }
  }
  const parsed = AnnotationFieldsSchema.safeParse(value);
  if (!parsed.success) throw new InvalidAnswer(`answer invalid at ${parsed.error.issues[0]?.path.join(".") || "root"}`);
  if (!intentsFor(hints).includes(parsed.data.intent)) throw new InvalidAnswer(`answer has unknown intent ${parsed.data.intent}`);
  return parsed.data;
}
