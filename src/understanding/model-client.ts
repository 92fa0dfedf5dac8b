import type { AnnotationFields, UnderstandHints } from "./port.ts";

/** One remote model behind the annotator: asks, validates, reports tokens. Errors are thrown, never swallowed. */
export interface ModelClient {
  /** `workers-ai`, `openai-compatible`: what `source` says when it answers. */
  readonly provider: string;
  readonly model: string;
  annotate(text: string, hints: UnderstandHints | undefined, signal: AbortSignal): Promise<{ fields: AnnotationFields; usage: { inputTokens: number; outputTokens: number } }>;
}

/** A provider failure with a short, log-safe reason ("timeout", "http 503", "invalid answer"): it ends up in `source`. */
export class ProviderError extends Error {
  override name = "ProviderError";
  constructor(readonly reason: string) {
    super(reason);
  }
}
