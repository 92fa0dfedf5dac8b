import type { AnswerGenerator } from "./answer";
import type { AiRunner } from "./embedder";
import type { Passage } from "./search";

/**
 * Answer generation through the providers the annotator already uses (AI_PROVIDER, AI_MODEL,
 * AI_BASE_URL, AI_API_KEY, AI_TIMEOUT_MS): the model sees the retrieved passages and nothing else, and
 * must cite them as [n] or say NO_ANSWER.
 */
export function answerMessages(question: string, passages: Passage[], language: string) {
  const context = passages.map((p, i) => `[${i + 1}] ${p.title}${p.heading ? ` — ${p.heading}` : ""}\n${p.content}`).join("\n\n");
  return [
    {
      role: "system",
      content:
        "You answer customers' questions for a business using ONLY the numbered passages given. " +
        "Cite every passage you use as [n] right after the sentence it supports. Do not add facts that are not in the passages. " +
        `Answer in the language with ISO code "${language}", in at most three sentences. ` +
        "If the passages do not answer the question, reply with exactly NO_ANSWER.",
    },
    { role: "user", content: `Passages:\n${context}\n\nQuestion: ${question}` },
  ];
}

const withTimeout = async <T>(p: Promise<T>, ms: number): Promise<T> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), ms)))]);
  } finally {
    clearTimeout(timer);
  }
};

export function workersAiGenerator(ai: AiRunner, model: string, timeoutMs: number): AnswerGenerator {
  return {
    provider: "workers-ai",
    async generate(question, passages, language) {
      const out = (await withTimeout(ai.run(model, { messages: answerMessages(question, passages, language), max_tokens: 300, temperature: 0 }), timeoutMs)) as {
        response?: unknown;
        usage?: { prompt_tokens?: number; completion_tokens?: number };
      };
      if (typeof out?.response !== "string") return null;
      return { text: out.response, usage: { inputTokens: out.usage?.prompt_tokens ?? 0, outputTokens: out.usage?.completion_tokens ?? 0 } };
    },
  };
}

export function openAiCompatibleGenerator(cfg: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number; fetch?: typeof fetch }): AnswerGenerator {
  const url = `${cfg.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  return {
    provider: "openai-compatible",
    async generate(question, passages, language) {
      const signal = AbortSignal.timeout(cfg.timeoutMs);
      const res = await (cfg.fetch ?? fetch)(url, {
        method: "POST",
        signal,
        headers: { "content-type": "application/json", ...(cfg.apiKey ? { authorization: `Bearer ${cfg.apiKey}` } : {}) },
        body: JSON.stringify({ model: cfg.model, messages: answerMessages(question, passages, language), temperature: 0, max_tokens: 300 }),
      });
      if (!res.ok) {
        await res.body?.cancel();
        return null;
      }
      const body = (await res.json()) as { choices?: Array<{ message?: { content?: unknown } }>; usage?: { prompt_tokens?: number; completion_tokens?: number } };
      const text = body.choices?.[0]?.message?.content;
      if (typeof text !== "string") return null;
      return { text, usage: { inputTokens: body.usage?.prompt_tokens ?? 0, outputTokens: body.usage?.completion_tokens ?? 0 } };
    },
  };
}
