/**
 * Text helpers shared by the offline rules. Lexicons are written lowercase without accents, so a customer
 * who types "nao consigo" on a phone without accents matches the same rule as "não consigo".
 */

export function normalize(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[’`´]/g, "'")
    .replace(/ı/g, "i")
    .replace(/ł/g, "l")
    .replace(/ß/g, "ss")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Words of a normalized text. Apostrophes split ("d'erreur" → "d", "erreur"; "can't" → "can", "t"), so
 * French and Italian elisions reach the word; lexicon phrases are split the same way, so "can't" still
 * matches as a phrase.
 */
export function tokenize(normalized: string): string[] {
  return normalized.match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? [];
}

/**
 * A phrase list compiled for whole-word matching over tokens: hash lookups on 1..n-word windows instead of
 * one large regular expression (several times faster on chat-length texts). A trailing `*` makes the last
 * word a prefix ("cancel*" matches "cancelled", "cancelar"), which covers inflections without stemming
 * every language.
 */
export class Lexicon {
  private readonly exact = new Set<string>();
  private readonly prefixes = new Set<string>();
  /** First words of multi-word phrases: most tokens start none, which skips the window lookups. */
  private readonly starts = new Set<string>();
  private readonly prefixLengths: number[];
  private maxWords = 1;

  constructor(phrases: readonly string[]) {
    const lengths = new Set<number>();
    for (const p of phrases) {
      const isPrefix = p.endsWith("*");
      const words = tokenize(normalize(isPrefix ? p.slice(0, -1) : p));
      if (!words.length) continue;
      const phrase = words.join(" ");
      this.maxWords = Math.max(this.maxWords, words.length);
      if (words.length > 1) this.starts.add(words[0]!);
      if (isPrefix) {
        this.prefixes.add(phrase);
        lengths.add(phrase.length);
      } else this.exact.add(phrase);
    }
    this.prefixLengths = [...lengths].sort((a, b) => b - a);
  }

  private prefixMatch(phrase: string, minLength: number): boolean {
    for (const l of this.prefixLengths) if (l <= phrase.length && l > minLength && this.prefixes.has(phrase.slice(0, l))) return true;
    return false;
  }

  private matchAt(tokens: string[], i: number): number {
    const first = tokens[i]!;
    if (this.starts.has(first)) {
      for (let n = Math.min(this.maxWords, tokens.length - i); n >= 2; n--) {
        const phrase = tokens.slice(i, i + n).join(" ");
        if (this.exact.has(phrase)) return n;
        if (this.prefixMatch(phrase, phrase.length - tokens[i + n - 1]!.length)) return n;
      }
    }
    return this.exact.has(first) || this.prefixMatch(first, 0) ? 1 : 0;
  }

  /** How many non-overlapping phrases of the list the tokens contain. */
  count(tokens: string[]): number {
    let hits = 0;
    for (let i = 0; i < tokens.length; ) {
      const n = this.matchAt(tokens, i);
      if (n) {
        hits += 1;
        i += n;
      } else i += 1;
    }
    return hits;
  }

  /** Where the phrases of the list start and how many tokens each covers, non-overlapping, in order. */
  spans(tokens: string[]): Array<[start: number, length: number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < tokens.length; ) {
      const n = this.matchAt(tokens, i);
      if (n) {
        out.push([i, n]);
        i += n;
      } else i += 1;
    }
    return out;
  }

  /** The tokens with every matched phrase removed. */
  strip(tokens: string[]): string[] {
    const rest: string[] = [];
    for (let i = 0; i < tokens.length; ) {
      const n = this.matchAt(tokens, i);
      if (n) i += n;
      else rest.push(tokens[i++]!);
    }
    return rest;
  }
}

/** Share of letters in upper case, counted only when there are enough letters for shouting to mean something. */
export function shoutRatio(text: string): number {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length < 8) return 0;
  const upper = letters.filter((c) => c !== c.toLowerCase() && c === c.toUpperCase()).length;
  return upper / letters.length;
}
