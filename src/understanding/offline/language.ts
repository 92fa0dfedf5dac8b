import type { UnderstandHints } from "../port.ts";
import { normalize } from "./text.ts";

/**
 * Language identification with eld (n-gram detector, pure JavaScript). Chat texts are often too short for
 * any detector ("ok", "hola"), so short texts go through a small list of unmistakable chat words first, then
 * the contact's known language, then the caller's hint, and only then a low-confidence guess or "und".
 *
 * eld's extra-small database (about 1 MB of source) is loaded on first use, not at Worker start-up:
 * evaluating it costs tens of milliseconds, which webhooks that never annotate should not pay.
 */

type Detector = { detect(text: string): { language: string; isReliable(): boolean }; setLanguageSubset(langs: string[] | false): unknown };
let detector: Detector | undefined;
let loading: Promise<Detector> | undefined;

/**
 * Languages a support desk plausibly receives. Restricting eld to them avoids short Spanish or Portuguese
 * texts being read as Tagalog, Basque or Malay, which the full 60-language model does on a few words.
 */
export const DETECTABLE_LANGUAGES = [
  "en", "es", "pt", "fr", "de", "it", "nl", "tr", "pl", "ru", "uk", "ar", "he", "el", "sv", "da", "no", "fi", "cs", "sk", "ro", "hu",
  "bg", "hr", "sr", "sl", "ja", "zh", "ko", "hi", "th", "vi", "id", "fa", "ca",
];

export async function loadDetector(): Promise<Detector> {
  if (detector) return detector;
  loading ??= import("eld/extrasmall").then(({ eld }) => {
    const d = eld.newInstance() as unknown as Detector;
    d.setLanguageSubset(DETECTABLE_LANGUAGES);
    detector = d;
    return d;
  });
  return loading;
}

/** Words that settle a short text's language on their own (normalized). Ambiguous ones ("ok", "no", "si") are left out. */
const CHAT_WORDS: Record<string, string> = {
  hello: "en", hi: "en", thanks: "en", "good morning": "en", "good evening": "en", "good afternoon": "en", "thank you": "en", please: "en", yes: "en", bye: "en", help: "en", cheers: "en",
  hola: "es", gracias: "es", "buenos dias": "es", "buenas tardes": "es", "buenas noches": "es", vale: "es", adios: "es", ayuda: "es", "por favor": "es",
  oi: "pt", ola: "pt", obrigado: "pt", obrigada: "pt", "bom dia": "pt", "boa tarde": "pt", "boa noite": "pt", valeu: "pt", tchau: "pt", sim: "pt", ajuda: "pt",
  bonjour: "fr", bonsoir: "fr", "bonne journee": "fr", "bonne soiree": "fr", salut: "fr", merci: "fr", "merci beaucoup": "fr", oui: "fr", "s'il vous plait": "fr", aide: "fr", "d'accord": "fr",
  hallo: "de", danke: "de", "alles klar": "de", "schonen abend": "de", "schonen tag": "de", "danke schon": "de", "vielen dank": "de", "guten tag": "de", "guten morgen": "de", bitte: "de", tschuss: "de", hilfe: "de",
  ciao: "it", grazie: "it", "buona serata": "it", "buona giornata": "it", buongiorno: "it", buonasera: "it", "per favore": "it", aiuto: "it", "va bene": "it",
  hoi: "nl", bedankt: "nl", "fijne avond": "nl", "fijne dag": "nl", "dank je": "nl", dankjewel: "nl", "dank u": "nl", goedemorgen: "nl", alsjeblieft: "nl", doei: "nl", hulp: "nl",
  merhaba: "tr", selam: "tr", gunaydin: "tr", "iyi aksamlar": "tr", tesekkurler: "tr", "tesekkur ederim": "tr", sagol: "tr", tamam: "tr", evet: "tr", lutfen: "tr", yardim: "tr",
  czesc: "pl", dziekuje: "pl", "milego dnia": "pl", "milego wieczoru": "pl", dzieki: "pl", "dzien dobry": "pl", prosze: "pl", pomocy: "pl", tak: "pl",
};

const NON_LATIN = /[\p{Script=Cyrillic}\p{Script=Arabic}\p{Script=Greek}\p{Script=Hebrew}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Devanagari}]/u;

/** Below this many letters eld's answer is only a tie-breaker. */
const MIN_LETTERS = 12;

export function cleanLanguage(code: string | undefined): string | undefined {
  const m = code?.trim().toLowerCase().match(/^([a-z]{2})(?:[-_][a-z0-9]+)?$/);
  return m?.[1];
}

/** The phrase-level guess for short texts: every word must be a chat word of one and the same language. */
function chatWordLanguage(text: string): string | undefined {
  const n = normalize(text).replace(/[^\p{L}\s']/gu, " ").replace(/\s+/g, " ").trim();
  if (!n) return undefined;
  if (CHAT_WORDS[n]) return CHAT_WORDS[n];
  const words = n.split(" ");
  const langs = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const pair = i + 1 < words.length ? `${words[i]} ${words[i + 1]}` : undefined;
    if (pair && CHAT_WORDS[pair]) { langs.add(CHAT_WORDS[pair]); i++; continue; }
    const lang = CHAT_WORDS[words[i]!];
    if (lang) langs.add(lang);
  }
  return langs.size === 1 ? [...langs][0] : undefined;
}

export function identifyLanguage(d: Detector, text: string, hints: UnderstandHints = {}): string {
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  const known = cleanLanguage(hints.contactLanguage) ?? cleanLanguage(hints.languageHint);
  const result = letters > 0 ? d.detect(text) : undefined;
  const guess = result?.language || undefined;
  if (guess && (letters >= MIN_LETTERS || NON_LATIN.test(text)) && (result!.isReliable() || letters >= 20)) return guess;
  if (letters < 40) {
    const word = chatWordLanguage(text);
    if (word) return word;
  }
  if (known) return known;
  if (guess && letters >= MIN_LETTERS) return guess;
  return "und";
}
