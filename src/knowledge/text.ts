/**
 * Text helpers shared by the chunker, the local embedder and keyword search: word segmentation with
 * Intl.Segmenter (locale-aware, so it works for languages without spaces too) and accent folding.
 */

const segmenters = new Map<string, Intl.Segmenter>();

function segmenter(language: string | undefined, granularity: "word" | "sentence"): Intl.Segmenter {
  const key = `${language ?? "und"}:${granularity}`;
  let s = segmenters.get(key);
  if (!s) {
    let locale: string | undefined = language && language !== "und" ? language : undefined;
    try {
      s = new Intl.Segmenter(locale, { granularity });
    } catch {
      locale = undefined; // an unknown tag: the root locale's rules are still sound for most scripts
      s = new Intl.Segmenter(undefined, { granularity });
    }
    segmenters.set(key, s);
  }
  return s;
}

/** Word-like segments, as written. */
export function words(text: string, language?: string): string[] {
  const out: string[] = [];
  for (const seg of segmenter(language, "word").segment(text)) if (seg.isWordLike) out.push(seg.segment);
  return out;
}

/** Sentences, each with its trailing whitespace trimmed; empty ones dropped. */
export function sentences(text: string, language?: string): string[] {
  const out: string[] = [];
  for (const seg of segmenter(language, "sentence").segment(text)) {
    const s = seg.segment.trim();
    if (s) out.push(s);
  }
  return out;
}

/** Lower case, accents removed: "Rückerstattung" and "ruckerstattung" compare equal. */
export function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
}

/**
 * Estimated model tokens: word segments count about 4/3 subword tokens each in the multilingual
 * tokenizers the embedding models use, punctuation and symbols about one each. Close enough to size
 * chunks under a model's input limit without shipping a tokenizer into the Worker.
 */
export function estimateTokens(text: string, language?: string): number {
  let wordCount = 0;
  let other = 0;
  for (const seg of segmenter(language, "word").segment(text)) {
    if (seg.isWordLike) wordCount++;
    else if (seg.segment.trim()) other++;
  }
  return Math.ceil(wordCount * 1.33 + other * 0.5);
}

/** Postgres text-search configurations for the languages Parley detects; anything else is `simple`. */
const TS_CONFIGS: Record<string, string> = {
  ar: "arabic", ca: "catalan", da: "danish", de: "german", el: "greek", en: "english", es: "spanish", eu: "basque", fi: "finnish",
  fr: "french", hi: "hindi", hu: "hungarian", id: "indonesian", it: "italian", lt: "lithuanian", nl: "dutch", no: "norwegian",
  pt: "portuguese", ro: "romanian", ru: "russian", sr: "serbian", sv: "swedish", tr: "turkish",
};

export function tsConfigFor(language: string | null | undefined): string {
  return (language && TS_CONFIGS[language]) || "simple";
}

export const TS_CONFIG_NAMES = new Set([...Object.values(TS_CONFIGS), "simple"]);

/**
 * A Postgres array literal for one parameter (`${pgArray(ids)}::uuid[]`): Drizzle spreads a JS array
 * into a list of parameters, which `= any(...)` and `unnest(...)` cannot take.
 */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}
