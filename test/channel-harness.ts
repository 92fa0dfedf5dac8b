// Helpers for channel tests: create channels through the API, sign deliveries as providers do, and wait
// for the thread objects' alarms to move things into Postgres.
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { parleySignature } from "../src/channels/signatures";
import { call, expectStatus, ownerQuery, type TenantHandle } from "./harness";

export interface ChannelHandle {
  id: string;
  webhookPath: string;
  secret: string;
}

export async function createApiChannel(t: TenantHandle, opts: { debounce_ms?: number; max_wait_ms?: number } = {}): Promise<ChannelHandle> {
  const signing_secret = `whsec-${crypto.randomUUID()}`;
  const res = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "api", name: "Website API", credentials: { signing_secret }, debounce_ms: opts.debounce_ms ?? 300, ...(opts.max_wait_ms && { max_wait_ms: opts.max_wait_ms }) } });
  expectStatus(res, 201);
  return { id: res.body.id, webhookPath: new URL(res.body.webhook_url).pathname, secret: signing_secret };
}

export function apiMessage(overrides: Partial<{ external_id: string; from: { id: string; name?: string }; text: string; timestamp: string }> = {}) {
  return { external_id: `ext-${crypto.randomUUID()}`, from: { id: "cust-1", name: "Casey Customer" }, text: "Hello there", ...overrides };
}

/** POSTs a JSON body signed with X-Parley-Signature over its exact bytes. */
export async function postSigned(ch: ChannelHandle, body: unknown, opts: { secret?: string; raw?: string; path?: string; header?: string | null } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const signature = opts.header === undefined ? await parleySignature(new TextEncoder().encode(raw), opts.secret ?? ch.secret) : opts.header;
  return call("POST", opts.path ?? ch.webhookPath, { rawBody: raw, headers: { "content-type": "application/json", ...(signature !== null && { "x-parley-signature": signature }) } });
}

/** Polls (bounded) until `check` passes; alarms run on real time in the local runtime. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw lastError;
}

export async function messagesOf(channelId: string) {
  // The customer's messages: the bot answers on these channels too.
  return ownerQuery("select id, external_id, text, direction, conversation_id from messages where channel_id = $1 and direction = 'inbound' order by sequence", [channelId]);
}

export async function groupsOf(channelId: string) {
  return ownerQuery("select id, message_ids from message_groups where channel_id = $1 order by created_at", [channelId]);
}

export async function groupEventsOf(tenantId: string) {
  return ownerQuery("select id, payload from outbox_events where tenant_id = $1 and type = 'message_group.ready'", [tenantId]);
}

export function threadOf(tenantId: string, channelId: string, customerId: string) {
  return env.CONVERSATION_THREAD.get(env.CONVERSATION_THREAD.idFromName(`${tenantId}:${channelId}:${customerId}`));
}

export async function expectMessageCount(channelId: string, n: number) {
  await eventually(async () => expect((await messagesOf(channelId)).length).toBe(n));
}

/**
 * Upgrades `path` to a WebSocket through the Worker and returns it with `next()`, which resolves with the
 * next live event (JSON) in arrival order, or fails after 10 s.
 */
export async function openLiveSocket(path: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; next: () => Promise<any> }> {
  const res = await (exports as unknown as { default: Fetcher }).default.fetch(
    new Request(`https://parley.test${path}`, { headers: { upgrade: "websocket", ...headers } }),
  );
  expect(res.status, res.status === 101 ? "" : await res.text()).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const queue: any[] = [];
  const waiters: Array<(v: any) => void> = [];
  ws.addEventListener("message", (e) => {
    const data = JSON.parse(e.data as string);
    const w = waiters.shift();
    if (w) w(data);
    else queue.push(data);
  });
  const next = () =>
    queue.length
      ? Promise.resolve(queue.shift())
      : new Promise<any>((resolve, reject) => {
          waiters.push(resolve);
          setTimeout(() => reject(new Error("no live event within 10 s")), 10_000);
        });
  return { ws, next };
}

/**
 * Waits until the workspace's bot has taken its turn on every closed group and its replies are
 * delivered: tests that compare states around a request must not race the bot's background work.
 */
export async function botSettled(tenantId: string, turns = 1) {
  await eventually(async () => {
    const [busy] = await ownerQuery(
      "select (select count(*) from processed_events where tenant_id = $1 and consumer = 'bot.turn')::int as turns, (select count(*) from messages where tenant_id = $1 and status = 'pending')::int as pending",
      [tenantId],
    );
    expect(busy.turns).toBeGreaterThanOrEqual(turns);
    expect(busy.pending).toBe(0);
  });
}
