// A local stand-in for the two model APIs the annotator calls, answering as their documentation describes:
//   POST <base>/chat/completions                                 OpenAI-compatible chat completions (JSON mode)
//   POST /client/v4/accounts/<account>/ai/run/<model>            Workers AI REST: {result: {response, usage}, success}
// and `binding()`, an object shaped like the Workers AI binding (`env.AI.run(model, input)`) driven by the same
// script. Tests use `fetch` (a Request→Response function) in workerd, or `start()` for a real HTTP port in Node.
// Behaviour is scripted per double: `answer` (the JSON the model returns), `mode` ("ok" | "error" | "slow" |
// "invalid" | "not-json"), `delayMs` for "slow"; every request is recorded in `requests`.

export type AiDoubleMode = "ok" | "error" | "slow" | "invalid" | "not-json";

export interface AiDoubleRequest {
  api: "openai" | "workers-ai-rest" | "workers-ai-binding";
  model: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export const SAMPLE_ANSWER = {
  language: "en",
  intent: "transaction_system_failure",
  sentiment: { score: -0.6, label: "negative" },
  urgency: 0.7,
  priority: "P1",
  entities: [{ type: "order_id", value: "A1234" }],
  confidence: 0.9,
};

export interface AiDouble {
  answer: unknown;
  mode: AiDoubleMode;
  delayMs: number;
  requests: AiDoubleRequest[];
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  binding(): { run(model: string, input: Record<string, unknown>): Promise<unknown> };
  /** Node only: serves the same handler on 127.0.0.1; returns the base URL. */
  start(port?: number): Promise<{ url: string; stop(): Promise<void> }>;
}

const USAGE = { prompt_tokens: 420, completion_tokens: 96, total_tokens: 516 };

export function createAiDouble(): AiDouble {
  const d: AiDouble = {
    answer: SAMPLE_ANSWER,
    mode: "ok",
    delayMs: 10_000,
    requests: [],
    // Like a real fetch, an aborted request rejects with an AbortError, whatever the server is doing.
    fetch: (input, init) => {
      const req = new Request(input, init);
      const signal = init?.signal ?? undefined;
      if (signal?.aborted) return Promise.reject(new DOMException("The operation was aborted", "AbortError"));
      return new Promise<Response>((resolve, reject) => {
        signal?.addEventListener("abort", () => reject(new DOMException("The operation was aborted", "AbortError")), { once: true });
        handle(req, signal).then(resolve, reject);
      });
    },
    binding: () => ({
      async run(model, input) {
        d.requests.push({ api: "workers-ai-binding", model, body: input, headers: {} });
        await pause(d, undefined);
        if (d.mode === "error") throw new Error("InferenceUpstreamError: 5xx from model");
        if (d.mode === "not-json") return { response: "Sure! Here is the analysis you asked for." };
        if (d.mode === "invalid") return { response: { ...(d.answer as object), priority: "urgent" } };
        return { response: d.answer, usage: USAGE };
      },
    }),
    async start(port = 0) {
      const { createServer } = await import("node:http");
      const server = createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const response = await handle(
          new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: req.method === "POST" ? Buffer.concat(chunks) : undefined }),
        );
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      });
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      const address = server.address() as { port: number };
      return { url: `http://127.0.0.1:${address.port}`, stop: () => new Promise<void>((r) => server.close(() => r())) };
    },
  };

  async function handle(req: Request, signal: AbortSignal | undefined = req.signal): Promise<Response> {
    const url = new URL(req.url);
    const body = (await req.json().catch(() => ({}))) as Record<string, unknown>;
    const headers = Object.fromEntries(req.headers);
    const rest = url.pathname.match(/^\/client\/v4\/accounts\/[^/]+\/ai\/run\/(.+)$/);
    if (req.method === "POST" && rest) {
      d.requests.push({ api: "workers-ai-rest", model: decodeURIComponent(rest[1]!), body, headers });
      await pause(d, signal);
      if (d.mode === "error") return Response.json({ result: null, success: false, errors: [{ code: 3040, message: "Capacity temporarily exceeded" }], messages: [] }, { status: 429 });
      const response = d.mode === "not-json" ? "Sure! Here is the analysis." : d.mode === "invalid" ? { ...(d.answer as object), priority: "urgent" } : d.answer;
      return Response.json({ result: { response, usage: USAGE }, success: true, errors: [], messages: [] });
    }
    if (req.method === "POST" && url.pathname.endsWith("/chat/completions")) {
      d.requests.push({ api: "openai", model: String(body.model ?? ""), body, headers });
      await pause(d, signal);
      if (d.mode === "error") return Response.json({ error: { message: "The server had an error", type: "server_error" } }, { status: 503 });
      const content =
        d.mode === "not-json" ? "Sure! Here is the analysis." : JSON.stringify(d.mode === "invalid" ? { ...(d.answer as object), priority: "urgent" } : d.answer);
      return Response.json({
        id: `chatcmpl-${crypto.randomUUID()}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: USAGE,
      });
    }
    return Response.json({ error: { message: "not found" } }, { status: 404 });
  }
  return d;
}

/** "slow" waits out the caller (until its signal aborts, or delayMs). */
function pause(d: AiDouble, signal: AbortSignal | undefined): Promise<void> {
  if (d.mode !== "slow") return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, d.delayMs);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });
}
