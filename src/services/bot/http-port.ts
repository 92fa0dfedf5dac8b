/**
 * The flow's `http` node at run time: HTTPS only, never to a private, loopback or link-local target
 * (checked on the URL and again on every redirect hop, which is followed by hand), a timeout, and a cap
 * on the response read. On Cloudflare a Worker's fetch cannot reach private networks at all; the checks
 * here keep that true wherever Parley runs, and name the problem in the flow's action log.
 *
 * Every request is signed so the receiver can tell it came from this workspace's flows and is fresh:
 *
 *   X-Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the workspace's flow secret>
 *   X-Parley-Request-Id: <uuid, the same on every redirect hop of one call>
 *
 * (a GET signs "<t>." with an empty body). Receivers recompute the HMAC over the raw bytes they got,
 * compare in constant time, and refuse timestamps more than 5 minutes old. The workspace's secret is
 * derived (HKDF) from the server's FLOW_SIGNING_KEY and the workspace id, so nothing per workspace is
 * stored and a secret for one workspace never verifies another's requests.
 */
import type { AppConfig } from "../../env";
import { httpTargetProblem } from "../../flows/http-target";
import { readCappedStream } from "../../lib/capped-stream";
import { base64url, hex } from "../../lib/crypto";

const TIMEOUT_MS = 5_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_REDIRECTS = 3;

const encoder = new TextEncoder();

export type FlowSigningConfig = Pick<AppConfig, "FLOW_SIGNING_KEY" | "JWT_SIGNING_KEYS" | "ENVIRONMENT">;

/**
 * The workspace's flow request secret (`pfs_<base64url 32 bytes>`). Development and test fall back to
 * the JWT keys (kept apart by the HKDF salt) so a local stack needs no extra secret; production refuses
 * to send unsigned requests when FLOW_SIGNING_KEY is missing (the node takes its `on_error`).
 */
export async function flowSigningSecret(config: FlowSigningConfig, tenantId: string, generation = 0): Promise<string> {
  const key = config.FLOW_SIGNING_KEY ?? (config.ENVIRONMENT === "production" ? undefined : config.JWT_SIGNING_KEYS);
  if (!key) throw new Error("flow requests cannot be signed: FLOW_SIGNING_KEY is not set");
  const ikm = await crypto.subtle.importKey("raw", encoder.encode(key), "HKDF", false, ["deriveBits"]);
  // Generation 0 keeps the secret every workspace had before rotation existed.
  const info = generation === 0 ? tenantId : `${tenantId}:${generation}`;
  const bits = await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: encoder.encode("parley/flow-http-signature/v1"), info: encoder.encode(info) }, ikm, 256);
  return `pfs_${base64url(new Uint8Array(bits))}`;
}

/** The `X-Parley-Signature` value for one request body at one time (unix seconds). */
export async function flowRequestSignature(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return `t=${timestamp},v1=${hex(await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestamp}.${body}`)))}`;
}

export interface HttpCallOptions {
  /** The workspace's secret (flowSigningSecret); every hop is signed with it. */
  secret: string;
  /** Tests pass a double; the Worker's own fetch otherwise. */
  fetch?: typeof fetch;
  now?: () => number;
}

export async function callHttpsTarget(req: { url: string; method: string; body?: unknown }, opts: HttpCallOptions): Promise<{ status: number; body: unknown }> {
  const send = opts.fetch ?? fetch;
  const requestId = crypto.randomUUID();
  let url = req.url;
  let method = req.method.toUpperCase();
  let body = req.body === undefined || method === "GET" ? undefined : JSON.stringify(req.body);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const problem = httpTargetProblem(url);
    if (problem) throw new Error(`refused target: ${problem}`);
    const timestamp = Math.floor((opts.now?.() ?? Date.now()) / 1000);
    const res = await send(url, {
      method,
      redirect: "manual",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        "user-agent": "Parley-Flow/1",
        "x-parley-request-id": requestId,
        "x-parley-signature": await flowRequestSignature(opts.secret, timestamp, body ?? ""),
      },
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
