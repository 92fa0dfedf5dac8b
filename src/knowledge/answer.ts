import type { Passage } from "./search";
import { fold, sentences, words } from "./text";

export interface Citation {
  documentId: string;
  chunkId: string;
  title: string;
  snippet: string;
}

export interface Answer {
  answer: string;
  confident: boolean;
  citations: Citation[];
  /** `extractive` offline; the provider's name when a model wrote it. */
  source: string;
  /** The language of the passage the answer comes from. */
  language: string | null;
}

/** Writes an answer from numbered passages, citing them as [n]; null when it cannot. */
export interface AnswerGenerator {
  readonly provider: string;
  generate(question: string, passages: Passage[], language: string): Promise<{ text: string; usage?: { inputTokens: number; outputTokens: number } } | null>;
}

const SOURCE_LABEL: Record<string, string> = { en: "Source", es: "Fuente", pt: "Fonte", fr: "Source", de: "Quelle", it: "Fonte", nl: "Bron" };

/** Words of the question that carry its topic (folded, function words and very short words left out). */
export function questionTerms(question: string): string[] {
  const stop = new Set(["what", "when", "where", "which", "how", "does", "can", "could", "would", "should", "the", "your", "you", "are", "is", "do", "for", "and", "que", "qué", "como", "cómo", "cual", "para", "los", "las", "una", "por", "con", "est", "les", "des", "une", "pour", "quel", "quelle", "wie", "was", "der", "die", "das", "und", "ist", "ich", "mein", "meine", "para", "uma", "com", "qual", "quando", "onde", "meu", "minha", "quanto", "cuanto", "cuando", "donde", "mis", "mes", "mon", "have", "with", "there"]);
  return [...new Set(words(question).map(fold).filter((w) => w.length > 2 && !stop.has(w)))];
}

/** Share of the question's topic words found (by their first five letters) in the passage. */
export function coverage(question: string, passage: Pick<Passage, "title" | "heading" | "content">): number {
  const terms = questionTerms(question);
  if (terms.length === 0) return 0;
  const hay = fold(`${passage.title} ${passage.heading ?? ""} ${passage.content}`);
  return terms.filter((t) => hay.includes(t.slice(0, 5))).length / terms.length;
}

/**
 * Whether a passage is good enough to answer from without a person checking. Offline the evidence is
 * lexical: most of the question's topic words in the passage, backed by both rankings or by a close
 * vector match. Thresholds were set on the evaluation set's answerable and unanswerable questions.
 */
export function isConfident(question: string, p: Passage): boolean {
  const cov = coverage(question, p);
  const vec = p.vector?.score ?? 0;
  if (cov >= 0.75 && (p.keyword !== undefined || vec >= 0.25)) return true;
  if (cov >= 0.5 && p.keyword !== undefined && p.keyword.rank <= 3 && vec >= 0.3) return true;
  return vec >= 0.55 && cov >= 0.34;
}

/**
 * A passage's text without the headings inside it. Text from a PDF (or a plain-text file) carries its
 * headings as lines of their own, which would otherwise run into the next sentence ("Refund timing
 * Refunds reach your card…"): a line that opens a paragraph, is short, ends without punctuation and
 * is followed by more of the paragraph reads as a heading.
 */
export function withoutHeadingLines(content: string): string {
  return content
    .split(/\n\s*\n/)
    .map((para) => {
      const lines = para.split("\n");
      const first = lines[0]!.trim();
      const isHeading = lines.length > 1 && first.split(/\s+/).length <= 8 && !/[.!?:;,…)"'»]$/.test(first) && lines.slice(1).join(" ").trim().length > first.length;
      return (isHeading ? lines.slice(1) : lines).join(" ");
    })
    .join(" ");
}

/** The one or two sentences of a passage that best answer the question, about `max` characters at most. */
export function extract(question: string, content: string, language?: string | null, max = 360): string {
  const terms = questionTerms(question).map((t) => t.slice(0, 5));
  const list = sentences(withoutHeadingLines(content).replace(/\s+/g, " ").trim(), language ?? undefined);
  if (list.length === 0) return content.slice(0, max);
  const scored = list.map((s, i) => {
    const f = fold(s);
    return { i, hits: terms.filter((t) => f.includes(t)).length };
  });
  const best = scored.reduce((a, b) => (b.hits > a.hits ? b : a), scored[0]!);
  let text = list[best.i]!;
  // A short sentence rarely stands alone ("Yes." "Within 14 days."): take its neighbour too.
  const next = list[best.i + 1];
  if (text.length < 90 && next && text.length + next.length < max) text = `${text} ${next}`;
  if (text.length > max) text = `${text.slice(0, text.lastIndexOf(" ", max - 1) > max * 0.6 ? text.lastIndexOf(" ", max - 1) : max - 1)}…`;
  return text;
}

function citationOf(p: Passage, snippetText: string): Citation {
  return { documentId: p.documentId, chunkId: p.chunkId, title: p.title, snippet: snippetText };
}

export const withSource = (text: string, titles: string[], language: string) =>
  `${text.trim()}\n\n${SOURCE_LABEL[language] ?? SOURCE_LABEL.en}: ${[...new Set(titles)].join("; ")}`;

/**
 * Chooses the passage to answer from — the best confident one, preferring the asker's language when a
 * confident passage in it exists — and writes the answer: extractive offline, or by the configured
 * model from the retrieved passages only. A generated answer that cites none of them is discarded
 * (the extractive one is given instead), so no answer ever goes out without its source.
 */
export async function composeAnswer(question: string, passages: Passage[], opts: { language: string; generator?: AnswerGenerator; onGenerated?: (usage: { inputTokens: number; outputTokens: number }) => Promise<void> | void }): Promise<Answer> {
  const confident = passages.slice(0, 5).filter((p) => isConfident(question, p));
  const sameLanguage = confident.find((p) => p.language === opts.language);
  const best = sameLanguage ?? confident[0];
  if (!best) {
    return { answer: "", confident: false, citations: passages.slice(0, 3).map((p) => citationOf(p, extract(question, p.content, p.language))), source: "extractive", language: null };
  }
  const answerLanguage = best.language && best.language !== "und" ? best.language : opts.language;
  if (opts.generator) {
    const context = [best, ...passages.filter((p) => p !== best).slice(0, 3)];
    try {
      const out = await opts.generator.generate(question, context, answerLanguage);
      if (out?.usage) await opts.onGenerated?.(out.usage);
      const cited = out ? [...new Set([...out.text.matchAll(/\[(\d{1,2})\]/g)].map((m) => Number(m[1]) - 1))].filter((i) => i >= 0 && i < context.length) : [];
      if (out && cited.length > 0 && !/NO_ANSWER/.test(out.text)) {
        const used = cited.map((i) => context[i]!);
        const text = out.text.replace(/\s*\[(\d{1,2})\]/g, "").trim();
        return { answer: withSource(text, used.map((p) => p.title), answerLanguage), confident: true, citations: used.map((p) => citationOf(p, extract(question, p.content, p.language))), source: opts.generator.provider, language: answerLanguage };
      }
    } catch {
      // A model outage is not the customer's problem: the extractive answer below still cites its source.
    }
  }
  const text = extract(question, best.content, best.language);
  return { answer: withSource(text, [best.title], answerLanguage), confident: true, citations: [citationOf(best, text)], source: "extractive", language: answerLanguage };
}
