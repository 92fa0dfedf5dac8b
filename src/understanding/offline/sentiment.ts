import type { SentimentLabel } from "../port.ts";
import { ANGER, ANGRY_EMOJI, INTENSIFIERS, NEGATORS, POSITIVE_EMOJI, POSITIVE_TONE, PROBLEM_TONE, SAD_EMOJI } from "./lexicon.ts";
import { Lexicon, shoutRatio } from "./text.ts";

/**
 * Sentiment = @nlpjs/sentiment's lexicon score for the message's language (senticon, AFINN or pattern
 * dictionaries, with negation) + Parley's support-chat lexicons, which the general dictionaries miss
 * ("still waiting", "charged twice"), + rules for `angry`: profanity and insults, threats to leave or
 * complain, SHOUTING, "!!!", angry emoji.
 *
 * Each language's dictionary is imported on first use: a Worker that only sees Spanish never evaluates
 * the German stemmer.
 */

type LangModule = Record<string, unknown>;
const LANGUAGE_PACKAGES: Record<string, [() => Promise<LangModule>, string]> = {
  en: [() => import("@nlpjs/lang-en"), "LangEn"],
  es: [() => import("@nlpjs/lang-es"), "LangEs"],
  pt: [() => import("@nlpjs/lang-pt"), "LangPt"],
  fr: [() => import("@nlpjs/lang-fr"), "LangFr"],
  de: [() => import("@nlpjs/lang-de"), "LangDe"],
  it: [() => import("@nlpjs/lang-it"), "LangIt"],
  nl: [() => import("@nlpjs/lang-nl"), "LangNl"],
  tr: [() => import("@nlpjs/lang-tr"), "LangTr"],
  pl: [() => import("@nlpjs/lang-pl"), "LangPl"],
  ru: [() => import("@nlpjs/lang-ru"), "LangRu"],
  uk: [() => import("@nlpjs/lang-uk"), "LangUk"],
  sv: [() => import("@nlpjs/lang-sv"), "LangSv"],
  da: [() => import("@nlpjs/lang-da"), "LangDa"],
  no: [() => import("@nlpjs/lang-no"), "LangNo"],
  fi: [() => import("@nlpjs/lang-fi"), "LangFi"],
  ro: [() => import("@nlpjs/lang-ro"), "LangRo"],
  cs: [() => import("@nlpjs/lang-cs"), "LangCs"],
  hu: [() => import("@nlpjs/lang-hu"), "LangHu"],
  ca: [() => import("@nlpjs/lang-ca"), "LangCa"],
  id: [() => import("@nlpjs/lang-id"), "LangId"],
  el: [() => import("@nlpjs/lang-el"), "LangEl"],
};
export const SENTIMENT_LANGUAGES = Object.keys(LANGUAGE_PACKAGES);

interface NlpSentiment { score: number; numHits: number; type?: string }
type Analyzer = { process(input: { locale: string; text: string }): Promise<{ sentiment: NlpSentiment }> };
type Container = { use(plugin: unknown): void };

let engine: Promise<{ container: Container; analyzer: Analyzer }> | undefined;
const loaded = new Map<string, Promise<boolean>>();

/** CommonJS packages reach us either with named exports or only as `default`, depending on the bundler. */
const pick = (m: LangModule, name: string) => (m[name] ?? (m.default as LangModule | undefined)?.[name]) as unknown;

function loadEngine() {
  engine ??= Promise.all([import("@nlpjs/core"), import("@nlpjs/sentiment")]).then(([core, sentiment]) => {
    const container = (pick(core, "containerBootstrap") as () => Container)();
    const SentimentAnalyzer = pick(sentiment, "SentimentAnalyzer") as new (s: { container: Container }) => Analyzer;
    return { container, analyzer: new SentimentAnalyzer({ container }) };
  });
  return engine;
}

/** Loads a language's dictionaries once; false when @nlpjs has none for it. */
export async function loadSentimentLanguage(language: string): Promise<boolean> {
  const entry = LANGUAGE_PACKAGES[language];
  if (!entry) return false;
  let p = loaded.get(language);
  if (!p) {
    p = Promise.all([loadEngine(), entry[0]()]).then(([{ container }, mod]) => {
      container.use(pick(mod, entry[1]));
      return true;
    });
    loaded.set(language, p);
  }
  return p;
}

/** AFINN words score -5..5, senticon and pattern words -1..1: bring them to one scale. */
function nlpScore(s: NlpSentiment | undefined): number {
  if (!s?.numHits) return 0;
  return s.type === "afinn" ? s.score / 3 : s.score;
}

let lists: { anger: Lexicon; positive: Lexicon; problem: Lexicon } | undefined;
const lexicons = () => (lists ??= { anger: new Lexicon(ANGER), positive: new Lexicon(POSITIVE_TONE), problem: new Lexicon(PROBLEM_TONE) });
const NEGATOR = new Set(NEGATORS);
const INTENSIFIER = new Set(INTENSIFIERS);
/** Words that may stand between a negator and what it negates: "not very happy", "no estoy contento", "nie jestem zadowolony". */
const BRIDGE = new Set(["am", "is", "was", "are", "be", "been", "feel", "very", "so", "too", "that", "estoy", "estaba", "soy", "muy", "tan", "estou", "sou", "fiquei", "muito", "tao", "suis", "etais", "tres", "si",
  "bin", "war", "sehr", "so", "ganz", "uberhaupt", "sono", "ero", "molto", "cosi", "per", "niente", "ben", "was", "erg", "zo", "helemaal", "jestem", "bylem", "bylam", "zbyt", "za", "jest", "it", "ca", "het"]);
/** Thanks stay thanks after "no" ("no thanks, all good"). */
const THANKS = /^(?:thank|thanks|gracias|obrigad|merci|danke|vielen|grazie|bedankt|dank|tesekkur|sagol|dziekuje|dzieki|valeu)/;

/** A positive word under a negation ("not happy", "nada satisfeito", "memnun degilim") says the opposite. */
function negatedAt(tokens: string[], start: number, length: number): boolean {
  const before = tokens[start - 1];
  if (before && NEGATOR.has(before)) return true;
  const before2 = tokens[start - 2];
  if (before2 && NEGATOR.has(before2) && before && BRIDGE.has(before)) return true;
  const after = tokens[start + length];
  return !!after && after.startsWith("degil"); // Turkish negates after the word
}

/** Positive and problem weights with negation and intensifiers applied: "very disappointed" weighs more, "not happy" is a complaint. */
function tone(tokens: string[]): { positive: number; problem: number; negatedPositive: number } {
  const m = lexicons();
  let positive = 0;
  let negatedPositive = 0;
  for (const [start, length] of m.positive.spans(tokens)) {
    if (!THANKS.test(tokens[start]!) && negatedAt(tokens, start, length)) negatedPositive += 1;
    else positive += INTENSIFIER.has(tokens[start - 1] ?? "") ? 1.25 : 1;
  }
  let problem = 0;
  for (const [start] of m.problem.spans(tokens)) problem += INTENSIFIER.has(tokens[start - 1] ?? "") ? 1.25 : 1;
  return { positive, problem, negatedPositive };
}

/** Positive words or emoji, before any intent is known (the intent rules use it for thanks and praise). */
export function soundsPositive(text: string, tokens: string[]): boolean {
  return POSITIVE_EMOJI.test(text) || tone(tokens).positive > 0;
}

export interface SentimentResult { score: number; label: SentimentLabel; anger: number }

/**
 * @param problemReport whether the message reports something broken (from the intent rules): a calm
 *   "my payment failed" is still negative for the person writing it.
 */
export async function analyzeSentiment(text: string, tokens: string[], language: string, problemReport: boolean): Promise<SentimentResult> {
  let lib: NlpSentiment | undefined;
  if (await loadSentimentLanguage(language)) {
    const { analyzer } = await loadEngine();
    lib = (await analyzer.process({ locale: language, text })).sentiment;
  }
  const m = lexicons();
  const exclaim = /!{3,}/.test(text) ? 1 : /!{2}|\?!|!\?/.test(text) ? 0.5 : 0;
  const shout = shoutRatio(text) > 0.7 ? 1 : 0;
  const words = m.anger.count(tokens) + (ANGRY_EMOJI.test(text) ? 1 : 0);
  const t = tone(tokens);
  const problemTone = t.problem + t.negatedPositive + (SAD_EMOJI.test(text) ? 1 : 0);
  // Shouting or "!!!" alone can be joy ("THANK YOU!!!"); it counts as anger only next to a problem.
  const anger = words || problemReport || problemTone ? words + shout + exclaim : 0;
  const positive = t.positive + (POSITIVE_EMOJI.test(text) ? 1 : 0);
  const problem = problemTone + (problemReport ? 1.5 : 0);
  // The general dictionaries score many neutral support words ("usually", "like", "dobry" in "dzień dobry"),
  // so on their own they may only lean a message, never label it: the cap keeps them under the threshold.
  const raw = Math.max(-0.2, Math.min(0.2, 0.5 * nlpScore(lib))) + 0.7 * positive - 0.6 * problem;
  if (anger >= 1) return { score: round(-Math.min(1, 0.6 + 0.1 * anger)), label: "angry", anger };
  const score = round(Math.tanh(raw));
  const label: SentimentLabel = score >= 0.25 ? "positive" : score <= -0.25 ? "negative" : "neutral";
  return { score, label, anger };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
