// A local stand-in for the Stripe API at the network boundary: the real `stripe` SDK talks to it over
// HTTP (form-encoded v1 requests with bracket notation, JSON v2 requests), exactly as to api.stripe.com.
// Used by the workerd tests (started in test/global-setup.ts) and by `npm run dev` without Stripe keys.
// Test controls live under /_double/: what was received, failures to inject, subscription state.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { route, StripeError, type ApiResult } from "./api.ts";
import { hostedPage } from "./hosted.ts";
import { DoubleState, newId, type CatalogPrice, type Obj } from "./objects.ts";

export interface StripeDoubleOptions {
  port?: number;
  secretKey: string;
  /** Where the hosted Checkout/portal pages deliver events (signed with webhookSecret); dev only. */
  webhookUrl?: string;
  webhookSecret?: string;
  catalog: CatalogPrice[];
  /** A JSON file the state is loaded from and saved to after every change (dev restarts keep customers). */
  stateFile?: string;
}

export interface StripeDouble {
  port: number;
  url: string;
  state: DoubleState;
  stop(): Promise<void>;
}

interface Failure {
  path: string;
  count: number;
  mode: "before" | "after";
  customer?: string;
}

/** Decodes Stripe's form encoding (`a[b][0][c]=v`) into nested objects; numeric segments become arrays. */
export function parseForm(search: URLSearchParams): Obj {
  const root: Obj = {};
  for (const [key, value] of search) {
    const parts = key.replace(/\]/g, "").split("[");
    let node: Obj = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = node[part] ??= /^\d+$/.test(parts[i + 1]!) ? [] : {};
    });
  }
  return root;
}

const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (data += c));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });

export async function startStripeDouble(opts: StripeDoubleOptions): Promise<StripeDouble> {
  const state = new DoubleState(opts.catalog, opts.stateFile && existsSync(opts.stateFile) ? JSON.parse(readFileSync(opts.stateFile, "utf8")) : undefined);
  const save = () => opts.stateFile && writeFileSync(opts.stateFile, JSON.stringify(state), { mode: 0o600 });
  const failures: Failure[] = [];
  const requests: Obj[] = [];
  const idempotent = new Map<string, { fingerprint: string; result: ApiResult }>();
  let base = "";
  const hosted = { checkoutUrl: (id: string) => `${base}/checkout/${id}`, portalUrl: (id: string) => `${base}/portal/${id}` };

  const send = (res: http.ServerResponse, result: ApiResult, headers: Record<string, string> = {}) => {
    res.writeHead(result.status, { "content-type": "application/json", "request-id": newId("req", 14), ...headers });
    res.end(JSON.stringify(result.body));
  };

  function authorized(path: string, auth: string | undefined): boolean {
    const token = auth?.replace(/^Bearer /, "");
    // The high-throughput stream takes a meter event session token instead of the secret key.
    if (path === "/v2/billing/meter_event_stream") return !!token && (state.meterSessions.get(token) ?? 0) > Date.now();
    return token === opts.secretKey;
  }

  function takeFailure(path: string, p: Obj): Failure | undefined {
    const customers = new Set<string>([p.customer, ...((p.events ?? []) as Obj[]).map((e) => e.payload?.stripe_customer_id)].filter(Boolean));
    const f = failures.find((x) => x.count > 0 && path.startsWith(x.path) && (!x.customer || customers.has(x.customer)));
    if (f) f.count -= 1;
    return f;
  }

  async function api(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string) {
    const path = url.pathname;
    if (!authorized(path, req.headers.authorization)) {
      const expired = path === "/v2/billing/meter_event_stream";
      const error = expired
        ? { type: "temporary_session_expired", code: "billing_meter_event_session_expired", message: "The temporary session token has expired." }
        : { type: "invalid_request_error", message: `Invalid API Key provided: ${String(req.headers.authorization ?? "").slice(7, 15)}***` };
      return send(res, { status: 401, body: { error } });
    }
    const p: Obj = path.startsWith("/v2/") ? (raw ? JSON.parse(raw) : {}) : parseForm(req.method === "GET" ? url.searchParams : new URLSearchParams(raw));
    const key = req.method === "POST" ? req.headers["idempotency-key"] : undefined;
    const fingerprint = createHash("sha256").update(`${req.method} ${path} ${raw}`).digest("hex");
    if (typeof key === "string") {
      const prior = idempotent.get(key);
      if (prior && prior.fingerprint !== fingerprint) {
        return send(res, { status: 400, body: { error: { type: "idempotency_error", message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` } } });
      }
      if (prior) return send(res, prior.result, { "idempotent-replayed": "true" });
    }
    const failure = takeFailure(path, p);
    // "before": failed ahead of the endpoint (not saved under the idempotency key, as Stripe documents).
    if (failure?.mode === "before") return send(res, { status: 500, body: { error: { type: "api_error", message: "An unknown error occurred (injected by the Stripe double)." } } });
    let result: ApiResult;
    try {
      result = route(state, hosted, req.method ?? "GET", path, p);
    } catch (err) {
      if (!(err instanceof StripeError)) throw err;
      result = { status: err.status, body: err.body };
    }
    // "after": the work was done but the client sees a failure; Stripe saves even a 500 under the key.
    if (failure?.mode === "after") result = { status: 500, body: { error: { type: "api_error", message: "An unknown error occurred after processing (injected by the Stripe double)." } } };
    if (typeof key === "string" && result.status !== 400) idempotent.set(key, { fingerprint, result });
    requests.push({ method: req.method, path, params: p, status: result.status, at: Date.now() });
    send(res, result);
  }

  async function control(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string) {
    const body: Obj = raw ? JSON.parse(raw) : {};
    const q = url.searchParams;
    const json = (b: unknown) => send(res, { status: 200, body: b as Obj });
    const path = url.pathname.slice("/_double".length);
    if (path === "/health") return json({ ok: true });
    if (path === "/meter-events") return json({ data: [...state.meterEvents.values()].filter((e) => !q.get("customer") || e.payload.stripe_customer_id === q.get("customer")) });
    if (path === "/requests") {
      return json({ data: requests.filter((r) => (!q.get("path") || r.path.startsWith(q.get("path")!)) && (!q.get("customer") || JSON.stringify(r.params).includes(q.get("customer")!))) });
    }
    if (path === "/fail" && req.method === "POST") {
      failures.push({ path: body.path, count: Number(body.count ?? 1), mode: body.mode === "after" ? "after" : "before", customer: body.customer });
      return json({ ok: true });
    }
    if (path === "/subscriptions" && req.method === "POST") {
      const prices = (body.lookup_keys as string[]).map((k) => state.priceByLookup(k)!);
      return json(state.createSubscription({ customer: body.customer, prices, metadata: body.metadata, status: body.status, periodStart: body.period_start }));
    }
    const m = path.match(/^\/subscriptions\/([^/]+)$/);
    const sub = m ? state.subscriptions.get(m[1]!) : undefined;
    if (sub) return json(req.method === "POST" ? Object.assign(sub, body) : sub);
    send(res, { status: 404, body: { error: { message: "unknown control path" } } });
  }

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://double");
      const raw = await readBody(req);
      if (url.pathname.startsWith("/_double/")) return await control(req, res, url, raw);
      if (url.pathname.startsWith("/checkout/") || url.pathname.startsWith("/portal/")) await hostedPage(state, opts, req, res, url);
      else await api(req, res, url, raw);
      if (req.method === "POST") save();
    } catch (err) {
      if (!res.headersSent) send(res, { status: 500, body: { error: { type: "api_error", message: `Stripe double failed: ${err instanceof Error ? err.message : String(err)}` } } });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  base = `http://127.0.0.1:${port}`;
  return {
    port,
    url: base,
    state,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
