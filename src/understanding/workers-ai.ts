import type { ModelClient } from "./model-client.ts";
import { ProviderError } from "./model-client.ts";
import { annotationJsonSchema, annotationMessages, InvalidAnswer, parseAnswer } from "./prompt.ts";
import { estimateTokens } from "./budget.ts";

/**
 * The part of the Workers AI binding this adapter uses: `env.AI.run(model, {messages, response_format})`.
 * With JSON mode the answer's `response` is the object itself; older models return it as a string.
 */
export interface AiBinding {
  run(model: string, input: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

export const DEFAULT_WORKERS_AI_MODEL = "@cf/meta/llama-3.1-8b-instruct-fast";

export function workersAiClient(ai: AiBinding, model = DEFAULT_WORKERS_AI_MODEL): ModelClient {
  return {
    provider: "workers-ai",
    model,
    async annotate(text, hints, signal) {
      const run = ai.run(model, {
        messages: annotationMessages(text, hints),
        response_format: { type: "json_schema", json_schema: annotationJsonSchema(hints) },
        max_tokens: 400,
        temperature: 0,
      });
      // The binding takes no AbortSignal: race it, so a slow model cannot hold the message group.
      const aborted = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(new ProviderError("timeout"));
        signal.addEventListener("abort", () => reject(new ProviderError("timeout")), { once: true });
      });
      let out: unknown;
      try {
        out = await Promise.race([run, aborted]);
      } catch (e) {
        if (e instanceof ProviderError) throw e;
        throw new ProviderError("error");
      }
      const body = out as { response?: unknown; usage?: { prompt_tokens?: number; completion_tokens?: number } } | null;
      if (!body || body.response === undefined) throw new ProviderError("invalid answer");
      try {
        const fields = parseAnswer(body.response, hints);
        const usage = {
          inputTokens: body.usage?.prompt_tokens ?? estimateTokens(text),
          outputTokens: body.usage?.completion_tokens ?? 120,
        };
        return { fields, usage };
      } catch (e) {
        if (e instanceof InvalidAnswer) throw new ProviderError("invalid answer");
        throw e;
      }
    },
  };
}
