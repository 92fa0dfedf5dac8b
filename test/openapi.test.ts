import { describe, expect, it } from "vitest";
import { call, createTenant, expectError, expectStatus } from "./harness";
import { PROTECTED_ROUTES } from "./protected-routes";

describe("OpenAPI and docs", () => {
  it("documents every route from the same zod schemas, with the error body and bearer security", async () => {
    const res = await call("GET", "/openapi.json");
    expectStatus(res, 200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
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
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("serves a browsable reference page without scripts", async () => {
    const res = await call("GET", "/docs");
    expectStatus(res, 200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.text).toContain("/v1/contacts/{id}");
    expect(res.text).toContain('href="/openapi.json"');
    expect(res.text).not.toContain("<script");
  });
});

describe("health and errors", () => {
  it("reports the database as reachable", async () => {
    const res = await call("GET", "/health");
    expectStatus(res, 200);
    expect(res.body).toEqual({ status: "ok", db: "ok" });
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
    const res = await call("GET", "/v1/contacts?limit=5000", { token: t.owner.token });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.error.field).toBe("limit");
  });
});
