import { estimateTokens, sentences, words } from "./text";

export interface Chunk {
  index: number;
  /** The section path ("Returns › Refund timing"), or null before the first heading. */
  heading: string | null;
  content: string;
  tokenCount: number;
}

export interface ChunkOptions {
  language?: string;
  /** A chunk is closed once it would grow past this many tokens. */
  targetTokens?: number;
  /** Tokens of the previous chunk's last sentences repeated at the start of the next, within a section. */
  overlapTokens?: number;
}

const DEFAULTS = { targetTokens: 220, overlapTokens: 40 };
/** Most chunks a document may have (a 10 MB text would otherwise become tens of thousands). */
export const MAX_CHUNKS = 2000;

interface Section {
  path: string[];
  paragraphs: string[];
}

/** Markdown emphasis, links and images reduced to their words; the search index needs no syntax. */
function plain(line: string): string {
  return line
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/[ \t]+/g, " ")
    .trimEnd();
}

/** Headings (`#` lines) open sections; blank lines end paragraphs; list items stay with their list. */
export function sections(text: string): Section[] {
  const out: Section[] = [];
  let path: string[] = [];
  let current: Section = { path, paragraphs: [] };
  let para: string[] = [];
  const flush = () => {
    const p = para.join("\n").trim();
    if (p) current.paragraphs.push(p);
    para = [];
  };
  for (const raw of text.split("\n")) {
    const heading = raw.match(/^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$/);
    if (heading) {
      flush();
      if (current.paragraphs.length) out.push(current);
      const level = heading[1]!.length;
      path = [...path.slice(0, level - 1), plain(heading[2]!)];
      current = { path: path.filter(Boolean), paragraphs: [] };
      continue;
    }
    if (raw.trim() === "") flush();
    else para.push(plain(raw));
  }
  flush();
  if (current.paragraphs.length) out.push(current);
  return out;
}

/** Splits an over-long piece into sentences, and an over-long sentence into word windows. */
function pieces(paragraph: string, max: number, language?: string): string[] {
  if (estimateTokens(paragraph, language) <= max) return [paragraph];
  const out: string[] = [];
  for (const s of sentences(paragraph, language)) {
    if (estimateTokens(s, language) <= max) {
      out.push(s);
      continue;
    }
    const w = words(s, language);
    const per = Math.max(20, Math.floor(max / 1.4));
    for (let i = 0; i < w.length; i += per) out.push(w.slice(i, i + per).join(" "));
  }
  return out;
}

/**
 * Chunks along the document's structure: never across a heading, paragraphs kept whole where they fit,
 * long paragraphs cut at sentence boundaries (Intl.Segmenter), and a little overlap between consecutive
 * chunks of one section so a fact that straddles the cut is whole in at least one of them.
 */
export function chunkText(text: string, opts: ChunkOptions = {}): Chunk[] {
  const target = opts.targetTokens ?? DEFAULTS.targetTokens;
  const overlap = opts.overlapTokens ?? DEFAULTS.overlapTokens;
  const lang = opts.language;
  const chunks: Chunk[] = [];
  for (const section of sections(text)) {
    const heading = section.path.length ? section.path.join(" › ") : null;
    // Pieces of one paragraph are rejoined with a space, paragraphs with a blank line.
    const units = section.paragraphs.flatMap((p, para) => pieces(p, target, lang).map((text) => ({ text, para })));
    let parts: Array<{ text: string; para: number }> = [];
    const join = (list: typeof parts) => list.map((u, i) => (i === 0 ? "" : list[i - 1]!.para === u.para ? " " : "\n\n") + u.text).join("");
    let tokens = 0;
    let carried = false; // the chunk so far is only the previous one's overlap
    const emit = () => {
      if (parts.length === 0 || carried) return;
      const content = join(parts);
      chunks.push({ index: chunks.length, heading, content, tokenCount: estimateTokens(content, lang) });
      // The overlap: the last sentences of what was just emitted, up to `overlap` tokens.
      const tail: string[] = [];
      let t = 0;
      const lastUnit = parts[parts.length - 1]!;
      const last = sentences(lastUnit.text, lang);
      for (let i = last.length - 1; i >= 0; i--) {
        const n = estimateTokens(last[i]!, lang);
        if (t + n > overlap) break;
        tail.unshift(last[i]!);
        t += n;
      }
      parts = tail.length && (tail.length < last.length || parts.length > 1) ? [{ text: tail.join(" "), para: lastUnit.para }] : [];
      tokens = parts.length ? t : 0;
      carried = parts.length > 0;
    };
    for (const unit of units) {
      const n = estimateTokens(unit.text, lang);
      if (tokens > 0 && tokens + n > target) emit();
      parts.push(unit);
      tokens += n;
      carried = false;
    }
    emit();
    if (chunks.length >= MAX_CHUNKS) break;
  }
  return chunks.slice(0, MAX_CHUNKS);
}

/** A stable id for chunk `index` of one document version: a re-run of the pipeline writes the same rows. */
export async function chunkId(documentId: string, version: number, index: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${documentId}:${version}:${index}`)));
  digest[6] = (digest[6]! & 0x0f) | 0x80; // version nibble 8 ("custom", RFC 9562)
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
