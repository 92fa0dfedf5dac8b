import { describe, expect, it } from "vitest";
import { ERROR_STATUS, type ErrorCode } from "../src/lib/errors";
import { AUTHENTICATED_ERRORS } from "../src/routes/errors";
import { PUBLIC_API_PATHS } from "../src/routes";
import { api, call, createHarness, createTenant, expectData, expectError, expectStatus } from "./harness";
import { PROTECTED_ROUTES } from "./protected-routes";

const METHODS = ["get", "put", "post", "patch", "delete"] as const;

interface Op {
  method: string;
  path: string;
  op: any;
}

function operations(doc: any): Op[] {
  return Object.entries(doc.paths as Record<string, any>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] })),
  );
}

/** The codes an operation declares, read back from the document: each error status's examples are keyed by code. */
function declaredCodes(op: any): Map<ErrorCode, number> {
  const out = new Map<ErrorCode, number>();
  for (const [status, r] of Object.entries(op.responses as Record<string, any>)) {
    if (Number(status) < 400) continue;
    for (const code of Object.keys(r.content?.["application/json"]?.examples ?? {})) out.set(code as ErrorCode, Number(status));
  }
  return out;
}

const isProtected = (op: any) => JSON.stringify(op.security) === JSON.stringify([{ bearer: [] }]);

/**
 * Codes the services behind these operations throw (plan limits, conflicts, an invalid graph, ...):
 * the document must say so, or an integrator cannot handle them.
 */
const KNOWN_THROWS: Record<string, ErrorCode[]> = {
  replyToConversation: ["PAYMENT_REQUIRED", "NOT_FOUND"],
  createChannel: ["PAYMENT_REQUIRED", "CONFLICT", "UNAVAILABLE"],
  inviteMember: ["PAYMENT_REQUIRED", "CONFLICT"],
  signUp: ["EMAIL_TAKEN", "RATE_LIMITED"],
  logIn: ["UNAUTHORIZED", "TENANT_SUSPENDED", "RATE_LIMITED"],
  refreshSession: ["UNAUTHORIZED", "RATE_LIMITED"],
  acceptInvitation: ["UNAUTHORIZED", "RATE_LIMITED"],
  publishFlow: ["FLOW_INVALID", "NOT_FOUND"],
  createFlow: ["FLOW_INVALID"],
  createReservation: ["CONFLICT"],
  updateContact: ["VERSION_CONFLICT"],
  updateChannel: ["VERSION_CONFLICT", "UNAVAILABLE"],
  updateConversation: ["VERSION_CONFLICT"],
  updateTicket: ["VERSION_CONFLICT"],
  removeMember: ["CONFLICT"],
  createCheckoutSession: ["CONFLICT", "UNAVAILABLE"],
  createPortalSession: ["UNAVAILABLE"],
  receiveStripeWebhook: ["BAD_REQUEST", "PAYLOAD_TOO_LARGE"],
};

/** Verbs an operationId may start with: what SDK generators turn into method names. */
const VERBS = /^(list|get|create|update|replace|delete|remove|revoke|merge|invite|accept|publish|simulate|replay|reply|correct|understand|sign|log|refresh|receive|search|answer|upload|assign|send|add|set|run|preview|test|close|reopen|pause|resume|export|import|ask|cancel|check|reindex|mark|rotate|download)[A-Z][A-Za-z0-9]*$/;

describe("the OpenAPI document", () => {
  it("documents every route from the same zod schemas, with the error body and bearer security", async () => {
    const res = await call("GET", "/openapi.json");
    expectStatus(res, 200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "https://parley.test", description: "This server" }]);
    for (const r of PROTECTED_ROUTES) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op.security).toEqual([{ bearer: [] }]);
      expect(op.responses["401"].content["application/json"].schema.$ref).toBe("#/components/schemas/Error");
    }
    for (const path of ["/v1/auth/signup", "/v1/auth/login", "/v1/auth/refresh", "/v1/auth/logout", "/.well-known/jwks.json", "/health"]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    // The request schema is the validator: what the document says is required is what the API enforces.
    const signup = doc.components.schemas.SignupRequest;
    expect(signup.required).toEqual(expect.arrayContaining(["email", "password", "organization"]));
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer", description: expect.stringContaining("API key") });
    expect(doc.info.description).toContain("## Authentication");
  });

  it("gives every operation a unique camelCase verbNoun operationId, defined tags and an explicit security", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThanOrEqual(50);
    const ids = ops.map((o) => o.op.operationId);
    const problems: string[] = [];
    for (const { method, path, op } of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      if (typeof op.operationId !== "string" || !VERBS.test(op.operationId)) problems.push(`${where}: operationId ${op.operationId} is not camelCase verbNoun`);
      if (ids.filter((i) => i === op.operationId).length > 1) problems.push(`${where}: operationId ${op.operationId} is not unique`);
      if (!op.tags?.length || !op.tags.every((t: string) => doc.tags.some((d: any) => d.name === t && d.description))) problems.push(`${where}: tags ${op.tags} not declared with a description`);
      if (!Array.isArray(op.security)) problems.push(`${where}: no security (public operations say security: [])`);
      if (!op.summary) problems.push(`${where}: no summary`);
      // The document and the edge agree on what is public.
      const publicHere = !path.startsWith("/v1/") || PUBLIC_API_PATHS.has(path);
      if (path.startsWith("/v1/") && publicHere === isProtected(op) && path !== "/v1/auth/logout") problems.push(`${where}: document security disagrees with authenticate`);
    }
    expect(problems).toEqual([]);
    // Spot-check the names SDK generators will produce.
    expect(ids).toEqual(expect.arrayContaining(["signUp", "logIn", "createContact", "listContacts", "getContact", "listConversations", "replyToConversation", "acceptInvitation", "receiveStripeWebhook"]));
    for (const path of ["/health", "/.well-known/jwks.json", "/v1/auth/signup", "/v1/auth/login", "/v1/auth/refresh", "/v1/invitations/accept", "/hooks/stripe"]) {
      const op = Object.values(doc.paths[path])[0] as any;
      expect(op.security, path).toEqual([]);
    }
  });

  it("generates every error response from the one code→status map, with the error body and an example per code", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const problems: string[] = [];
    for (const { method, path, op } of operations(doc)) {
      const where = `${op.operationId} (${method.toUpperCase()} ${path})`;
      for (const [status, r] of Object.entries(op.responses as Record<string, any>)) {
        if (Number(status) < 400) continue;
        const media = r.content?.["application/json"];
        // Health answers 503 with its own body on purpose: load balancers read `db` from it.
        if (op.operationId === "getHealth") continue;
        if (media?.schema?.$ref !== "#/components/schemas/Error") problems.push(`${where} ${status}: not the Error body`);
        const codes = Object.keys(media?.examples ?? {});
        if (codes.length === 0) problems.push(`${where} ${status}: declares no error code`);
        for (const code of codes) {
          if (ERROR_STATUS[code as ErrorCode] !== Number(status)) problems.push(`${where}: ${code} under ${status}, the map says ${ERROR_STATUS[code as ErrorCode]}`);
          if (media.examples[code].value.error.code !== code) problems.push(`${where}: example for ${code} has another code`);
          if (!r.description.includes(`\`${code}\``)) problems.push(`${where}: ${status} description does not list ${code}`);
        }
      }
      const declared = declaredCodes(op);
      const must: ErrorCode[] = [...(KNOWN_THROWS[op.operationId] ?? [])];
      if (isProtected(op)) must.push(...AUTHENTICATED_ERRORS);
      if (/\{[a-z_]+\}/.test(path) && path.startsWith("/v1/")) must.push("NOT_FOUND");
      if (op.requestBody && path.startsWith("/v1/")) must.push("VALIDATION_FAILED", "PAYLOAD_TOO_LARGE");
      for (const code of must) if (!declared.has(code)) problems.push(`${where}: does not declare ${code}`);
    }
    expect(problems).toEqual([]);
  });

  it("answers every operation's failures only with codes that operation declares", async () => {
    // A walk over the whole document: no credentials, then the owner with unknown ids and an empty
    // body. Each error answer's code must be listed under its status for that operation.
    const doc = (await call("GET", "/openapi.json")).body;
    const { tenant, foreign } = await createHarness();
    const foreignContact = await foreign.createContact();
    const problems: string[] = [];
    for (const { method, path, op } of operations(doc)) {
      if (op.operationId === "logOut") continue; // would end the owner's session the rest of the walk uses
      const declared = declaredCodes(op);
      const concrete = path.replace(/\{[a-z_]+\}/g, (p) => (p === "{id}" && path.startsWith("/v1/contacts") ? foreignContact.id : crypto.randomUUID()));
      const attempts: Array<{ token?: string; body?: unknown }> = [{ body: op.requestBody ? {} : undefined }, { token: tenant.owner.token, body: op.requestBody ? {} : undefined }];
      for (const a of attempts) {
        const res = await call(method.toUpperCase(), concrete, { token: a.token, body: method === "get" || method === "delete" ? undefined : a.body });
        if (res.status < 400) continue;
        const code = res.body?.error?.code as ErrorCode | undefined;
        if (!code || declared.get(code) !== res.status) problems.push(`${op.operationId} ${a.token ? "as owner" : "anonymous"}: ${res.status} ${code} is not declared`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("publishes message content as the union the channels produce, and the plan limit on replies, channels and invitations", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const schemas = doc.components.schemas;
    expect(schemas.Message.properties.content.$ref).toBe("#/components/schemas/MessageContent");
    const variants = (schemas.MessageContent.oneOf ?? schemas.MessageContent.anyOf).map((v: any) => schemas[v.$ref.split("/").pop()].properties.type.const ?? schemas[v.$ref.split("/").pop()].properties.type.enum?.[0]);
    expect(variants.sort()).toEqual(["contacts", "email", "location", "media", "reaction", "text", "unsupported"]);
    expect(schemas.Annotations.required).toEqual(expect.arrayContaining(["language", "intent", "sentiment", "urgency", "priority", "entities", "source"]));
    for (const [path, method] of [["/v1/conversations/{id}/messages", "post"], ["/v1/channels", "post"], ["/v1/members", "post"]] as const) {
      expect(Object.keys(doc.paths[path][method].responses["402"].content["application/json"].examples), path).toEqual(["PAYMENT_REQUIRED"]);
    }
  });
});

describe("the API reference", () => {
  it("serves the interactive reference at /docs with same-origin scripts only and a no-script fallback", async () => {
    const res = await call("GET", "/docs");
    expectStatus(res, 200);
    expect(res.headers.get("content-type")).toContain("text/html");
    // The CSP allows same-origin scripts only (default-src 'self', no script-src exceptions), so nothing inline.
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|https?:)/);
    const scripts = [...res.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => /src="([^"]+)"/.exec(m[1]!)?.[1])).toEqual(["/assets/vendor/scalar/standalone.js", expect.stringMatching(/^\/docs\/reference\.js\?v=[0-9a-f]{8}$/)]);
    for (const m of scripts) expect(m[2]!.trim(), "inline script").toBe("");
    expect(res.text).toMatch(/<noscript>[\s\S]*href="\/docs\/plain"[\s\S]*<\/noscript>/);
    expect(res.text).toContain('href="/openapi.json"');

    const init = await call("GET", /src="(\/docs\/reference\.js[^"]+)"/.exec(res.text)![1]!);
    expectStatus(init, 200);
    expect(init.headers.get("content-type")).toContain("javascript");
    expect(init.text).toContain("createApiReference");
    expect(init.text).toContain('"url":"/openapi.json"');
    // Nothing from elsewhere: no fonts, telemetry or AI agent the CSP would block anyway.
    expect(init.text).toContain('"withDefaultFonts":false');
    expect(init.text).toContain('"telemetry":false');
  });

  it("keeps a plain reference without scripts at /docs/plain", async () => {
    const res = await call("GET", "/docs/plain");
    expectStatus(res, 200);
    expect(res.text).toContain("/v1/contacts/{id}");
    expect(res.text).toContain('href="/openapi.json"');
    expect(res.text).not.toContain("<script");
  });
});

describe("health and errors", () => {
  it("reports the database as reachable", async () => {
    const health = expectData(await api().GET("/health"), 200);
    expect(health).toEqual({ status: "ok", db: "ok" });
  });

  it("answers unknown routes with the error body and a request id header", async () => {
    // Under /v1 credentials are checked first, so unauthenticated callers cannot map the API.
    expectError(await call("GET", "/v1/nope"), 401);
    const t = await createTenant();
    expectError(await call("GET", "/v1/nope", { token: t.owner.token }), 404, "NOT_FOUND");
    const res = await call("GET", "/nope");
    expectError(res, 404, "NOT_FOUND");
    expect(res.headers.get("x-request-id")).toBe(res.body.error.request_id);
  });

  it("validates query parameters, naming the field", async () => {
    const t = await createTenant();
    // An out-of-range value the types allow (a number), refused by the same schema at the edge.
    const { error, response } = await t.api.GET("/v1/contacts", { params: { query: { limit: 5000 } } });
    expect(response.status).toBe(400);
    expect(error?.error).toMatchObject({ code: "VALIDATION_FAILED", field: "limit" });
  });
});
