// Property-based fuzzing of every operation in the OpenAPI document, as a member of one workspace
// while a second workspace exists: no input gets a 5xx, every error has the contract's body, and the
// other workspace is unchanged (row counts and a hash of its rows in every tenant table).
//
// Cases per operation: PARLEY_FUZZ_RUNS (default 30, which keeps this file near a minute).
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { apiMessage, createApiChannel, eventually, postSigned } from "./channel-harness";
import { bodyArb, nastyString, operationsOf, queryValueArb, type Operation } from "./fuzz/openapi-arbitraries";
import { settledFingerprint, workspaceFingerprint, type Fingerprint } from "./fuzz/snapshot";
import { call, createTenant, expectStatus, ownerQuery, type TenantHandle } from "./harness";

// Bindings are the only way a value reaches tests inside workerd: vitest.config.ts passes the variable on.
const RUNS = Number((env as { PARLEY_FUZZ_RUNS?: string }).PARLEY_FUZZ_RUNS ?? "") || 30;

interface World {
  doc: any;
  a: TenantHandle;
  b: TenantHandle;
  /** Real ids by kind in each workspace, for path parameters. */
  ids: { a: Record<string, string[]>; b: Record<string, string[]> };
  apiKeyA: string;
  spareOwnerToken: string;
  before: Fingerprint;
}

/** Objects of every kind a path names, made through the API; returns their ids by kind. */
async function populate(t: TenantHandle): Promise<Record<string, string[]>> {
  const contact = await t.createContact({ tags: ["vip"], attributes: { plan: "gold" } });
  const agent = await t.createUser("agent");
  const key = await t.createApiKey(["contacts:read"]);
  const ch = await createApiChannel(t);
  expectStatus(await postSigned(ch, apiMessage()), 200);
  const conversation = await eventually(async () => {
    const res = await call("GET", "/v1/conversations", { token: t.owner.token });
    if (res.body.data.length !== 1) throw new Error("conversation not stored yet");
    return res.body.data[0].id as string;
  });
  const [event] = await eventually(async () => {
    const rows = await ownerQuery("select id from channel_events where channel_id = $1", [ch.id]);
    if (rows.length === 0) throw new Error("delivery not logged yet");
    return rows;
  });
  return {
    contacts: [contact.id],
    members: [agent.memberId!],
    "api-keys": [key.id],
    channels: [ch.id],
    conversations: [conversation],
    events: [String(event.id)],
  };
}

/** The kind of object a path parameter names: the path segment before it (`/v1/contacts/{id}` → contacts). */
function kindOf(path: string, param: string): string {
  const parts = path.split("/");
  const i = parts.indexOf(`{${param}}`);
  return i > 0 ? parts[i - 1]! : "";
}

function pathParamArb(world: World, path: string, param: string): fc.Arbitrary<string> {
  const kind = kindOf(path, param);
  const mine = world.ids.a[kind] ?? [];
  const theirs = world.ids.b[kind] ?? [];
  return fc.oneof(
    { arbitrary: mine.length ? fc.constantFrom(...mine) : fc.uuid(), weight: 3 },
    { arbitrary: theirs.length ? fc.constantFrom(...theirs) : fc.uuid(), weight: 2 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.oneof(nastyString.filter((s) => s.length < 200), fc.constantFrom("0", "-1", "1.5", "9".repeat(30), "null", "%2e%2e", "00000000-0000-0000-0000-00000000000g")), weight: 2 },
  );
}

type Credential = "owner" | "apiKey" | "none" | "garbage";

function requestArb(world: World, op: Operation) {
  const params: Record<string, fc.Arbitrary<string>> = {};
  for (const p of op.parameters.filter((x) => x.in === "path")) params[p.name] = pathParamArb(world, op.path, p.name);
  const query: Record<string, fc.Arbitrary<string | undefined>> = {};
  for (const p of op.parameters.filter((x) => x.in === "query")) query[p.name] = queryValueArb(world.doc, p.schema, p.name);
  query.unexpected = fc.option(nastyString.filter((s) => s.length < 200), { nil: undefined });
  return fc.record({
    params: fc.record(params),
    query: fc.record(query),
    body: bodyArb(world.doc, op),
    credential: fc.constantFrom<Credential>("owner", "owner", "owner", "apiKey", "none", "garbage"),
    ifMatch: fc.option(fc.oneof(fc.constantFrom('"1"', 'W/"2"', '"x"', "*", "\u0000"), fc.string({ maxLength: 20 })), { nil: undefined }),
    accept: fc.constantFrom("application/json", "*/*", "text/html", ""),
  });
}

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses to encode) is sent as the three
 * bytes a careless encoder would produce: exactly what an attacker can put on the wire.
 */
function encode(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    let out = "";
    for (const ch of v) {
      const c = ch.charCodeAt(0);
      if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
      else out += encodeURIComponent(ch);
    }
    return out;
  }
}

function buildPath(op: Operation, params: Record<string, string>, query: Record<string, string | undefined>): string {
  let path = op.path;
  for (const [k, v] of Object.entries(params)) path = path.replace(`{${k}}`, encode(v));
  const qs = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encode(k)}=${encode(v!)}`)
    .join("&");
  return qs ? `${path}?${qs}` : path;
}

/** A bearer for the credential kind; public routes (sign-up, log-in, ...) are fuzzed without one. */
function bearerFor(world: World, op: Operation, credential: Credential): string | undefined {
  if (!op.secured) return credential === "garbage" ? "garbage.token.here" : undefined;
  // Signing out is fuzzed on a spare sign-in of the owner, so it cannot end the one the rest uses.
  if (credential === "owner" && op.path === "/v1/auth/logout") return world.spareOwnerToken;
  if (credential === "owner") return world.a.owner.token;
  if (credential === "apiKey") return world.apiKeyA;
  if (credential === "garbage") return `pk_${"f".repeat(32)}_${"A".repeat(43)}`;
  return undefined;
}

async function send(world: World, op: Operation, req: any) {
  const headers: Record<string, string> = { "cf-connecting-ip": `10.9.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}` };
  const bearer = bearerFor(world, op, req.credential);
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (req.ifMatch !== undefined && !/[\u0000-\u001f\u007f-\uffff]/.test(req.ifMatch)) headers["if-match"] = req.ifMatch;
  if (req.accept) headers.accept = req.accept;
  let body: string | undefined;
  if (req.body.kind === "json") {
    headers["content-type"] = "application/json";
    body = JSON.stringify(req.body.value);
  } else if (req.body.kind === "raw") {
    if (req.body.type) headers["content-type"] = req.body.type;
    body = req.body.text;
  }
  const path = buildPath(op, req.params, req.query);
  const res = await (exports as unknown as { default: Fetcher }).default.fetch(
    new Request(`https://parley.test${path}`, { method: op.method, headers, body: op.method === "GET" ? undefined : body }),
  );
  const text = await res.text();
  return { status: res.status, text, path };
}

describe("fuzzing every operation in the OpenAPI document", () => {
  const world = {} as World;

  beforeAll(async () => {
    const doc = await call("GET", "/openapi.json");
    expectStatus(doc, 200);
    world.doc = doc.body;
    [world.a, world.b] = await Promise.all([createTenant("Fuzzed"), createTenant("Bystander")]);
    const [idsA, idsB] = await Promise.all([populate(world.a), populate(world.b)]);
    world.ids = { a: idsA, b: idsB };
    world.apiKeyA = (await world.a.createApiKey(["contacts:read", "contacts:write", "members:read", "audit:read"])).key;
    const spare = await call("POST", "/v1/auth/login", { body: { email: world.a.owner.email, password: world.a.owner.password } });
    expectStatus(spare, 200);
    world.spareOwnerToken = spare.body.access_token;
    world.before = await settledFingerprint(world.b.id);
  }, 120_000);

  it("covers every operation of the document", () => {
    const ops = operationsOf(world.doc);
    expect(ops.length).toBeGreaterThanOrEqual(30);
    for (const path of ["/v1/contacts", "/v1/members/{id}", "/v1/invitations/accept", "/v1/conversations/{id}/messages", "/v1/channels/{id}/events/{event_id}/replay"]) {
      expect(ops.map((o) => o.path)).toContain(path);
    }
  });

  it("answers every generated request with 2xx/4xx and the contract's error body, and leaves the other workspace unchanged", async () => {
    const failures: string[] = [];
    let count = 0;
    for (const op of operationsOf(world.doc)) {
      await fc.assert(
        fc.asyncProperty(requestArb(world, op), async (req) => {
          const res = await send(world, op, req);
          const where = `${op.method} [${op.path}] ${res.path.slice(0, 300)} (${req.credential}, body ${JSON.stringify(req.body).slice(0, 300)})`;
          if (res.status >= 500) {
            failures.push(`${where} -> ${res.status}: ${res.text.slice(0, 300)}`);
            return false;
          }
          if (res.status >= 400) {
            let parsed: any;
            try {
              parsed = JSON.parse(res.text);
            } catch {
              parsed = undefined;
            }
            const e = parsed?.error;
            const ok = e && typeof e.code === "string" && typeof e.message === "string" && typeof e.request_id === "string" && !/\bat .+\.(js|ts):\d+/.test(res.text);
            if (!ok) failures.push(`${where} -> ${res.status} without the error body: ${res.text.slice(0, 300)}`);
            return !!ok;
          }
          return true;
        }),
        { numRuns: RUNS, endOnFailure: true },
      ).catch((err: unknown) => {
        // Every failing operation is collected, not just the first; a thrown request is a failure too.
        if (!failures.some((f) => f.startsWith(`${op.method} `) && f.includes(`[${op.path}]`))) failures.push(`${op.method} [${op.path}] threw: ${err instanceof Error ? err.message.slice(0, 500) : String(err)}`);
      });
      count += 1;
    }
    expect(count).toBe(operationsOf(world.doc).length);
    expect(failures, failures.join("\n")).toEqual([]);
    expect(await workspaceFingerprint(world.b.id)).toEqual(world.before);
  }, 600_000);
});
