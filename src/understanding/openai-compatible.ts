import { estimateTokens } from "./budget.ts";
import type { ModelClient } from "./model-client.ts";
import { ProviderError } from "./model-client.ts";
import { annotationMessages, InvalidAnswer, parseAnswer } from "./prompt.ts";

export interface OpenAiCompatibleConfig {
  /** e.g. `https://api.example.com/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Injected for tests and for routing through a gateway binding; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Any endpoint speaking the OpenAI chat completions API, asked for a JSON object (`response_format: json_object`). */
export function openAiCompatibleClient(config: OpenAiCompatibleConfig): ModelClient {
  const url = `${config.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const doFetch = config.fetch ?? fetch;
  return {
    provider: "openai-compatible",
    model: config.model,
    async annotate(text, hints, signal) {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: "POST",
          signal,
          headers: { "content-type": "application/json", ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
          body: JSON.stringify({
            model: config.model,
            messages: annotationMessages(text, hints),
            response_format: { type: "json_object" },
            temperature: 0,
            max_tokens: 400,
          }),
        });
      } catch {
        throw new ProviderError(signal.aborted ? "timeout" : "unreachable");
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new ProviderError(`http ${res.status}`);
      }
      let body: { choices?: Array<{ message?: { content?: unknown } }>; usage?: { prompt_tokens?: number; completion_tokens?: number } };
      try {
        body = await res.json();
      } catch {
        throw new ProviderError(signal.aborted ? "timeout" : "invalid answer");
      }
      try {
        const fields = parseAnswer(body.choices?.[0]?.message?.content, hints);
        return {
          fields,
          usage: { inputTokens: body.usage?.prompt_tokens ?? estimateTokens(text), outputTokens: body.usage?.completion_tokens ?? 120 },
        };
      } catch (e) {
        if (e instanceof InvalidAnswer) throw new ProviderError("invalid answer");
        throw e;
      }
    },
  };
}
