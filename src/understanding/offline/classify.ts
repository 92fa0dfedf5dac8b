import type { CustomIntent, Priority, SentimentLabel } from "../port.ts";
import {
  ACCOUNT, ACCOUNT_ACCESS, ALLERGY, BREACH, BUG, CANCELLED, CHANGED, DISAVOWAL, DISCOUNT_CODE, EVERYONE, FAILURE, HARM, HIGH_RISK, HOW_TO, LEGAL, MONEY_LOST, MONEY_SENT, NOISE,
  RENEWED, SOMEONE, TRANSACTION, URGENT,
} from "./lexicon.ts";
import { Lexicon } from "./text.ts";

/**
 * Intent and priority by rules over the lexicons. Scores are match counts; a domain word next to a
 * failure word ("can't", "no funciona", "nicht") is a problem, a question form without one is a request
 * for guidance. Priority follows the scale: P0 outage / fraud / security / safety / legal threat,
 * P1 money lost, cannot access, or angry, P2 a normal problem, P3 questions and noise.
 */

type Lists = "risk" | "access" | "transaction" | "moneyLost" | "moneySent" | "bug" | "howTo" | "failure" | "noise" | "urgent" | "disavowal" | "someone" | "account" | "changed" | "everyone"
  | "harm" | "allergy" | "legal" | "breach" | "discount" | "renewed" | "cancelled";
let m: Record<Lists, Lexicon> | undefined;
const lexicons = () =>
  (m ??= {
    risk: new Lexicon([...HIGH_RISK, ...HARM, ...LEGAL, ...BREACH]),
    disavowal: new Lexicon(DISAVOWAL),
    someone: new Lexicon(SOMEONE),
    account: new Lexicon(ACCOUNT),
    changed: new Lexicon(CHANGED),
    everyone: new Lexicon(EVERYONE),
    harm: new Lexicon(HARM),
    allergy: new Lexicon(ALLERGY),
    legal: new Lexicon(LEGAL),
    breach: new Lexicon(BREACH),
    discount: new Lexicon(DISCOUNT_CODE),
    renewed: new Lexicon(RENEWED),
    cancelled: new Lexicon(CANCELLED),
    access: new Lexicon(ACCOUNT_ACCESS),
    transaction: new Lexicon(TRANSACTION),
    moneyLost: new Lexicon(MONEY_LOST),
    moneySent: new Lexicon(MONEY_SENT),
    bug: new Lexicon(BUG),
    howTo: new Lexicon(HOW_TO),
    failure: new Lexicon(FAILURE),
    noise: new Lexicon(NOISE),
    urgent: new Lexicon(URGENT),
  });

/** Workspace taxonomies are compiled once per taxonomy object (callers keep one per workspace). */
const customLexicons = new WeakMap<CustomIntent, Lexicon>();
const customLexicon = (c: CustomIntent) => {
  let lex = customLexicons.get(c);
  if (!lex) {
    lex = new Lexicon(c.keywords);
    customLexicons.set(c, lex);
  }
  return lex;
};

export interface IntentResult {
  intent: string;
  confidence: number;
  /** The message reports something broken (used by sentiment). */
  problem: boolean;
  /** Money already gone or stuck (P1 for transaction problems). */
  moneyLost: boolean;
  /** The workspace intent that won, if any, for its configured priority. */
  custom?: CustomIntent;
}

/** Whether the text is only greetings, thanks, acknowledgements, emoji and punctuation. */
function isNoise(tokens: string[]): boolean {
  return lexicons().noise.strip(tokens).filter((t) => !/^\d+$/.test(t)).length === 0;
}

/** Turkish negates inside the verb ("gelmiyor", "yatmadı", "olmaz"): no word list can hold every form. */
const TURKISH_NEGATION = /^\p{L}{2,}(?:m[iu]yor|m[ae]d[iu]|m[ae]z|m[ae]m[iu]s|am[iu]yor|em[iu]yor)(?:[iu]m|sun|[iu]z|lar|ler|d[iu]r)?$/u;

export interface ClassifyOptions {
  taxonomy?: CustomIntent[];
  /** Thanks or praise was said (from the sentiment lexicons). */
  positive?: boolean;
  /** The message names an amount of money. */
  mentionsAmount?: boolean;
  language?: string;
}

export function classifyIntent(text: string, tokens: string[], { taxonomy = [], positive = false, mentionsAmount = false, language }: ClassifyOptions = {}): IntentResult {
  const x = lexicons();
  const failure = x.failure.count(tokens) > 0 || (language === "tr" && tokens.some((t) => TURKISH_NEGATION.test(t)));
  const howTo = x.howTo.count(tokens) + (text.includes("?") ? 1 : 0);
  const question = howTo > 0;
  // A promotion code is not a log-in code: it is taken out before the access words are counted, and one that fails is a defect.
  const discount = x.discount.count(tokens);
  const domainTokens = discount ? x.discount.strip(tokens) : tokens;
  const access = x.access.count(domainTokens);
  const transaction = x.transaction.count(domainTokens);
  const bug = x.bug.count(domainTokens) + (discount && failure ? 1 : 0);
  const risk = x.risk.count(tokens) + combinedRisk(x, tokens, { failure, question, access, transaction, bug });
  // Money counts as lost when it is said to be gone, or was sent or is owed back and something failed or is awaited,
  // or a subscription renewed although it was cancelled.
  const renewedAfterCancel = x.renewed.count(tokens) > 0 && x.cancelled.count(tokens) > 0;
  const moneyLost = x.moneyLost.count(tokens) > 0 || (failure && x.moneySent.count(tokens) > 0) || renewedAfterCancel;
  if (risk > 0) return { intent: "urgent_high_risk", confidence: Math.min(0.95, 0.7 + 0.1 * risk), problem: true, moneyLost };

  const scores: Array<[string, number]> = [
    ["account_access_issue", access],
    ["transaction_system_failure", transaction + (moneyLost ? 1 : 0) + (mentionsAmount ? 0.5 : 0)],
    ["bug_technical_defect", bug],
  ];
  for (const s of scores) if (s[1] > 0 && failure) s[1] += 1;
  scores.push(["how_to_guidance", howTo > 0 ? howTo + (failure ? 0 : 1.5) : 0]);
  let custom: CustomIntent | undefined;
  for (const c of taxonomy) {
    // A workspace's own intent wins ties: it was written for this business.
    const hits = customLexicon(c).count(tokens);
    if (hits > 0) scores.push([c.intent, hits + 1.01]);
  }
  // Ties go to the earlier entry: access before money before bugs before guidance.
  const [best, score] = scores.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (score > 0) {
    custom = taxonomy.find((c) => c.intent === best);
    // A bug report is a problem by definition; access and money need the failure ("can't", "twice") said.
    const problem = !custom && (best === "bug_technical_defect" || (best !== "how_to_guidance" && (failure || moneyLost)));
    return { intent: best, confidence: Math.min(0.9, 0.45 + 0.12 * score), problem, moneyLost, custom };
  }
  if (isNoise(tokens)) return { intent: "noise_low_intent", confidence: 0.8, problem: false, moneyLost: false };
  // Short thanks and praise with no request ("that worked, thanks a lot") need no action either.
  if (positive && !question && !failure && tokens.length <= 10) return { intent: "noise_low_intent", confidence: 0.6, problem: false, moneyLost: false };
  if (question) return { intent: "how_to_guidance", confidence: 0.35, problem: false, moneyLost: false };
  return { intent: "unknown", confidence: 0.3, problem: failure, moneyLost: false };
}

/**
 * P0 signals that need two things said together, each harmless alone:
 * - the customer disowns something on the account ("password changed, it wasn't me", "charges I didn't make");
 * - someone else in the account ("iemand heeft mijn wachtwoord veranderd");
 * - everyone affected and something broken ("down for everyone", "none of our stores can pay");
 * - an allergy or intolerance reported as a problem, not asked about ("contained nuts although marked nut-free").
 */
function combinedRisk(x: Record<Lists, Lexicon>, tokens: string[], s: { failure: boolean; question: boolean; access: number; transaction: number; bug: number }): number {
  let risk = 0;
  const accountLike = s.access > 0 || x.account.count(tokens) > 0;
  if (x.disavowal.count(tokens) > 0 && (accountLike || s.transaction > 0 || x.changed.count(tokens) > 0)) risk++;
  if (x.someone.count(tokens) > 0 && accountLike && !s.question) risk++;
  if (x.everyone.count(tokens) > 0 && (s.bug > 0 || (s.failure && (s.access > 0 || s.transaction > 0)))) risk++;
  if (x.allergy.count(tokens) > 0 && (s.failure || !s.question)) risk++;
  return risk;
}

export function priorityFor(intent: IntentResult, sentiment: SentimentLabel): Priority {
  if (intent.intent === "urgent_high_risk") return "P0";
  let p: Priority;
  switch (intent.intent) {
    case "account_access_issue":
      p = intent.problem ? "P1" : "P2";
      break;
    case "transaction_system_failure":
      p = intent.moneyLost ? "P1" : "P2";
      break;
    case "bug_technical_defect":
      p = "P2";
      break;
    case "how_to_guidance":
    case "noise_low_intent":
      p = "P3";
      break;
    case "unknown":
      p = intent.problem ? "P2" : "P3";
      break;
    default:
      p = intent.custom?.priority ?? "P2";
  }
  if (sentiment === "angry" && p > "P1") return "P1";
  return p;
}

const BASE_URGENCY: Record<Priority, number> = { P0: 0.9, P1: 0.7, P2: 0.45, P3: 0.15 };

/** 0..1: the priority's level, raised by urgency words and exclamation, never across a priority boundary downwards. */
export function urgencyFor(text: string, tokens: string[], priority: Priority, anger: number): number {
  const hits = lexicons().urgent.count(tokens);
  const bump = Math.min(0.09, 0.04 * hits + (text.includes("!") ? 0.02 : 0) + 0.02 * Math.min(anger, 2));
  return Math.round((BASE_URGENCY[priority] + bump) * 100) / 100;
}
