import { fold, words } from "./text";

/**
 * Turns text into vectors. Passages and queries are embedded separately because some models want to
 * be told which is which; both answer one vector per input, in order, each of `dimensions` numbers.
 */
export interface Embedder {
  /** Stored beside each vector's metadata: vectors of different models never meet. */
  readonly model: string;
  readonly dimensions: number;
  /**
   * How much its nearest-neighbour list counts in hybrid search's fusion beside keyword search's (1
   * when absent). A semantic model brings what keywords miss and counts fully; the offline lexical
   * embedder mostly re-finds the keyword hits with more noise (it also matches across languages on
   * shared word pieces), so it counts less.
   */
  readonly fusionWeight?: number;
  embed(texts: string[], kind: "passage" | "query"): Promise<number[][]>;
}

// ---------------------------------------------------------------------------------------------------
// Offline: a deterministic LEXICAL embedder. It hashes words, word prefixes and character trigrams into
// a fixed-size signed vector ("feature hashing"). Texts that share words or word pieces come out close;
// texts that mean the same in different words do not. It is not semantic, and it says so in the README.
// ---------------------------------------------------------------------------------------------------

export const LEXICAL_DIMENSIONS = 384;

/** Function words of the languages the offline annotator knows, which carry no topic. */
export const STOPWORDS = new Set(
  (
    "a an and are as at be been but by can could do does did for from had has have how i if in into is it its me my no not of on or our " +
    "please so that the their them then there these they this to was we were what when where which who why will with would you your " +
    "el la los las un una unos unas y o de del al en es son que por para con como se su sus mi mis tu lo le les mas muy ya hay ser " +
    "o os as um uma e do da dos das no na nos nas em por para com como que se seu sua meu minha voce eu " +
    "le la les un une des et ou de du au aux en est sont que qui pour par avec comme se sa son ses mon ma mes je vous nous il elle ne pas " +
    "der die das ein eine einen einem und oder von zu zum zur im in ist sind dass wie mit fur auf ich sie wir es nicht den dem des " +
    "il lo la i gli le un una uno e o di del della dei in con per che come si suo sua mio mia io noi voi non"
  ).split(" "),
);

/** 32-bit FNV-1a: stable across runtimes and versions, unlike anything seeded. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Each feature with its base weight and how often it occurs. */
export function lexicalFeatures(text: string): Map<string, { base: number; n: number }> {
  const features = new Map<string, { base: number; n: number }>();
  const add = (f: string, base: number) => {
    const cur = features.get(f);
    if (cur) cur.n++;
    else features.set(f, { base, n: 1 });
  };
  for (const raw of words(text)) {
    const w = fold(raw);
    if (STOPWORDS.has(w) || w.length < 2) continue;
    add(`w:${w}`, 1);
    // A crude stem shared across inflections and cognates (refund/refunds/refunded, reembolso/reembolsos).
    if (w.length > 5) add(`p:${w.slice(0, 5)}`, 0.6);
    const padded = `^${w}$`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.25);
  }
  return features;
}

export function lexicalEmbedding(text: string, dimensions = LEXICAL_DIMENSIONS): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const [feature, { base, n }] of lexicalFeatures(text)) {
    const h = fnv1a(feature);
    // Sublinear term frequency: the tenth mention of a word says less than the first.
    const weight = base * (1 + Math.log(n));
    v[h % dimensions]! += (h & 0x80000000 ? -1 : 1) * weight;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

export const lexicalEmbedder: Embedder = {
  model: `parley-lexical-${LEXICAL_DIMENSIONS}`,
  dimensions: LEXICAL_DIMENSIONS,
  fusionWeight: 0.5,
  async embed(texts) {
    return texts.map((t) => lexicalEmbedding(t));
  },
};

// ---------------------------------------------------------------------------------------------------
// Production: Workers AI, bge-m3 (multilingual, 1024 dimensions, up to 8192 input tokens).
// ---------------------------------------------------------------------------------------------------

export interface AiRunner {
  run(model: string, input: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

export const WORKERS_AI_EMBEDDING_MODEL = "@cf/baai/bge-m3";
/** Texts per call: the model's documented batch limit is 100. */
const BATCH = 50;

export class EmbeddingError extends Error {
  override name = "EmbeddingError";
}

export function workersAiEmbedder(ai: AiRunner, model = WORKERS_AI_EMBEDDING_MODEL, dimensions = 1024): Embedder {
  return {
    model,
    dimensions,
    async embed(texts) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        const batch = texts.slice(i, i + BATCH);
        let res: unknown;
        try {
          res = await ai.run(model, { text: batch });
        } catch (err) {
          throw new EmbeddingError(`embedding call failed: ${err instanceof Error ? err.message.slice(0, 120) : "error"}`);
        }
        const data = (res as { data?: unknown })?.data;
        if (!Array.isArray(data) || data.length !== batch.length || !data.every((v) => Array.isArray(v) && v.length === dimensions)) {
          throw new EmbeddingError("embedding answer has the wrong shape");
        }
        out.push(...(data as number[][]));
      }
      return out;
    },
  };
}
