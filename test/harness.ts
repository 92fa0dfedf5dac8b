// The test harness: every test gets a fresh tenant and a foreign tenant, built through the public API
// inside workerd (the same Worker entry, Neon driver and Postgres path as production).
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { Client, neonConfig } from "@neondatabase/serverless";
import { expect } from "vitest";
import { createParleyClient, type ParleyClient, type Schemas } from "../src/client";
import type { Role } from "../src/db/schema";

export interface Res<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  ip?: string;
}

/**
 * The untyped escape hatch: any method, path, headers or raw body, the answer's body as `any`. Prefer
 * `api` (below) wherever the call is a regular API call, so a change in a shape fails type-checking.
 */
export async function call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<Res<T>> {
  const headers: Record<string, string> = { "cf-connecting-ip": opts.ip ?? randomIp(), ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(opts.body);
  }
  const res = await worker().fetch(new Request(`https://parley.test${path}`, { method, headers, body }));
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

const worker = () => (exports as unknown as { default: Fetcher }).default;

/**
 * The typed client (src/client, generated from the OpenAPI document) over the Worker's own fetch: paths,
 * bodies and answers are checked at compile time. Each request comes from a fresh source address unless
 * `ip` pins one, like `call`.
 *
 * @example
 *   const contact = expectData(await api(t.owner.token).POST("/v1/contacts", { body: { name: "Robin" } }), 201);
 */
export function api(token?: string, opts: { ip?: string } = {}): ParleyClient {
  return createParleyClient({
    baseUrl: "https://parley.test",
    token,
    fetch: (request: Request) => {
      if (!request.headers.has("cf-connecting-ip")) request.headers.set("cf-connecting-ip", opts.ip ?? randomIp());
      return worker().fetch(request);
    },
  });
}

/** What every typed call answers: `data` on success, `error` (the contract's body) otherwise. */
interface ApiResult<D, E> {
  data?: D;
  error?: E;
  response: Response;
}

/** Asserts a typed call's status and returns its typed body; a wrong status prints the body. */
export function expectData<D, E>(result: ApiResult<D, E>, status: number): D {
  expect(result.response.status, `${result.response.status} ${JSON.stringify(result.error ?? result.data)}`).toBe(status);
  return result.data as D;
}

/** Asserts a typed call failed with the contract's error body (and the code, when given). */
export function expectApiError<D>(result: ApiResult<D, Schemas["Error"] | unknown>, status: number, code?: Schemas["Error"]["error"]["code"]): Schemas["Error"]["error"] {
  expect(result.response.status, `${result.response.status} ${JSON.stringify(result.error ?? result.data)}`).toBe(status);
  const body = result.error as Schemas["Error"];
  expect(body?.error).toMatchObject({ code: code ?? expect.any(String), message: expect.any(String), request_id: expect.any(String) });
  return body.error;
}

/** Asserts the status and prints the response body when it is wrong. */
export function expectStatus(res: Res, status: number): void {
  expect(res.status, `${res.status} ${res.text}`).toBe(status);
}

/** Asserts the contract's error body: `{error:{code,message,request_id}}`, and no internals leaked. */
export function expectError(res: Res, status: number, code?: string): void {
  expectStatus(res, status);
  expect(res.body?.error, res.text).toMatchObject({ code: code ?? expect.any(String), message: expect.any(String), request_id: expect.any(String) });
  expect(res.text).not.toMatch(/\bat .+\.(js|ts):\d+|stack/i);
}

export function randomIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export const uniqueEmail = (label = "user") => `${label}-${crypto.randomUUID().slice(0, 12)}@example.com`;
export const STRONG_PASSWORD = "correct-horse-battery-42";

export interface Session {
  userId: string;
  email: string;
  password: string;
  role: Role;
  token: string;
  refreshToken: string;
  sessionId: string;
  memberId?: string;
}

export interface TenantHandle {
  id: string;
  slug: string;
  name: string;
  owner: Session;
  /** The typed client signed in as the owner. */
  api: ParleyClient;
  /** A signed-in member with the given role (invited by the owner, accepted through the API). */
  createUser(role: Role): Promise<Session>;
  createContact(input?: ContactInput): Promise<Schemas["Contact"]>;
  createApiKey(scopes: ApiKeyScope[]): Promise<{ id: string; key: string }>;
}

type ContactInput = Schemas["ContactInput"];
type ApiKeyScope = Schemas["ApiKeyInput"]["scopes"][number];

export async function createTenant(label = "Acme"): Promise<TenantHandle> {
  const email = uniqueEmail("owner");
  const b = expectData(
    await api().POST("/v1/auth/signup", { body: { email, password: STRONG_PASSWORD, organization: `${label} ${crypto.randomUUID().slice(0, 6)}`, name: "Owner" } }),
    201,
  );
  const owner: Session = { userId: b.user.id, email, password: STRONG_PASSWORD, role: "owner", token: b.access_token, refreshToken: b.refresh_token, sessionId: b.session_id };
  const ownerApi = api(owner.token);
  const handle: TenantHandle = {
    id: b.tenant.id,
    slug: b.tenant.slug,
    name: b.tenant.name,
    owner,
    api: ownerApi,
    async createUser(role) {
      const userEmail = uniqueEmail(role);
      const invite = expectData(await ownerApi.POST("/v1/members", { body: { email: userEmail, role } }), 201);
      const a = expectData(await api().POST("/v1/invitations/accept", { body: { token: invite.invitation.token, password: STRONG_PASSWORD, name: role } }), 200);
      return { userId: a.user.id, email: userEmail, password: STRONG_PASSWORD, role, token: a.access_token, refreshToken: a.refresh_token, sessionId: a.session_id, memberId: invite.id };
    },
    async createContact(input = {}) {
      return expectData(await ownerApi.POST("/v1/contacts", { body: { name: "Jane Customer", email: uniqueEmail("contact"), ...input } }), 201);
    },
    async createApiKey(scopes) {
      const created = expectData(await ownerApi.POST("/v1/api-keys", { body: { name: "test key", scopes } }), 201);
      return { id: created.id, key: created.key };
    },
  };
  return handle;
}

/** A tenant for the test and a foreign tenant that must stay invisible to it. */
export async function createHarness(): Promise<{ tenant: TenantHandle; foreign: TenantHandle }> {
  const [tenant, foreign] = await Promise.all([createTenant("Acme"), createTenant("Foreign")]);
  return { tenant, foreign };
}

/**
 * Direct SQL over the Neon driver. `owner` is the migration owner (bypasses nothing by itself but owns
 * the tables); `app` is the Worker's own connection string.
 */
export async function withSql<T>(who: "owner" | "app", fn: (client: Client) => Promise<T>): Promise<T> {
  neonConfig.wsProxy = (host, port) => `${env.DB_WS_PROXY}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  const client = new Client({ connectionString: who === "owner" ? env.OWNER_DATABASE_URL : env.DATABASE_URL });
  client.on("error", () => {}); // the server closing after Terminate is not a test failure
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function ownerQuery<R = any>(text: string, params: unknown[] = []): Promise<R[]> {
  return withSql("owner", async (c) => (await c.query(text, params)).rows as R[]);
}

/** Everything a tenant owns that the API can change, read as the owner: "changes nothing" is checked on this. */
export async function tenantSnapshot(tenantId: string): Promise<string> {
  const tables = {
    tenants: "select id, slug, name, status, version from tenants where id = $1",
    contacts: "select * from contacts where tenant_id = $1 order by id",
    members: "select id, user_id, role, status, version from tenant_members where tenant_id = $1 order by id",
    api_keys: "select id, name, scopes, revoked_at from api_keys where tenant_id = $1 order by id",
    channels: "select id, name, status, config, credentials_ciphertext, version, deleted_at from channels where tenant_id = $1 order by id",
    sessions: "select id, revoked_at from refresh_token_families where tenant_id = $1 order by id",
    conversations: "select id, state, assignee_id, message_count, version from conversations where tenant_id = $1 order by id",
    messages: "select id, status, content, sequence from messages where tenant_id = $1 order by id",
    channel_events: "select id, verdict from channel_events where tenant_id = $1 order by id",
    flows: "select id, name, published_version, is_default, updated_at from flows where tenant_id = $1 order by id",
    flow_versions: "select flow_id, version, status, definition from flow_versions where tenant_id = $1 order by flow_id, version",
    tickets: "select * from tickets where tenant_id = $1 order by id",
    ticket_counters: "select * from ticket_counters where tenant_id = $1",
    reservations: "select * from reservations where tenant_id = $1 order by id",
    escalations: "select * from escalations where tenant_id = $1 order by id",
    call_summaries: "select * from call_summaries where tenant_id = $1 order by id",
  };
  // One connection for all of them: a route's checks take four snapshots each.
  return withSql("owner", async (c) => {
    const out: Record<string, unknown> = {};
    for (const [name, sql] of Object.entries(tables)) out[name] = (await c.query(sql, [tenantId])).rows;
    return JSON.stringify(out);
  });
}
