/**
 * The flow's `http` node at run time: HTTPS only, never to a private, loopback or link-local target
 * (checked on the URL and again on every redirect hop, which is followed by hand), a timeout, and a cap
 * on the response read. On Cloudflare a Worker's fetch cannot reach private networks at all; the checks
 * here keep that true wherever Parley runs, and name the problem in the flow's action log.
 */
import { httpTargetProblem } from "../../flows/http-target";
import { readCappedStream } from "../../lib/capped-stream";

const TIMEOUT_MS = 5_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_REDIRECTS = 3;

export async function callHttpsTarget(req: { url: string; method: string; body?: unknown }): Promise<{ status: number; body: unknown }> {
  let url = req.url;
  let method = req.method.toUpperCase();
  let body = req.body === undefined || method === "GET" ? undefined : JSON.stringify(req.body);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const problem = httpTargetProblem(url);
    if (problem) throw new Error(`refused target: ${problem}`);
    const res = await fetch(url, {
      method,
      redirect: "manual",
      headers: { "content-type": "application/json", accept: "application/json", "user-agent": "Parley-Flow/1" },
      ...(body !== undefined && { body }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (res.status >= 300 && res.status < 400 && res.headers.get("location")) {
      url = new URL(res.headers.get("location")!, url).toString();
      if (res.status === 303) [method, body] = ["GET", undefined];
      await res.body?.cancel();
      continue;
    }
    return { status: res.status, body: await readCapped(res) };
  }
  throw new Error("too many redirects");
}

async function readCapped(res: Response): Promise<unknown> {
  if (!res.body) return null;
  const body = await readCappedStream(res.body, MAX_RESPONSE_BYTES);
  if (!body) throw new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`);
  const text = new TextDecoder().decode(body);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
