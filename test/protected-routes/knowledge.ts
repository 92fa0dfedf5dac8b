import { call, expectStatus, type TenantHandle } from "../harness";
import type { ProtectedRoute } from "../route-builders";

/** A document of tenant `t` (not waited on: the routes act on it whatever its status). */
export const knowledgeDocumentId = async (t: TenantHandle) => {
  const res = await call("POST", "/v1/knowledge/documents", { token: t.owner.token, body: { title: "Route test", content: "Opening hours are nine to five.", format: "text" } });
  expectStatus(res, 201);
  return res.body.id as string;
};

/** This area's protected routes for the common route tests (test/routes.security.test.ts). */
export const KNOWLEDGE_ROUTES: ProtectedRoute[] = [
  { method: "GET", path: "/v1/knowledge/documents", build: async () => ({ path: "/v1/knowledge/documents" }), deniedRole: "billing_admin", targetsObject: false },
  {
    method: "POST",
    path: "/v1/knowledge/documents",
    build: async () => ({ path: "/v1/knowledge/documents", body: { title: "Hours", content: "We open at nine.", format: "text" } }),
    deniedRole: "agent",
    targetsObject: false,
  },
  { method: "GET", path: "/v1/knowledge/documents/{id}", build: async (t) => ({ path: `/v1/knowledge/documents/${await knowledgeDocumentId(t)}` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "PATCH", path: "/v1/knowledge/documents/{id}", build: async (t) => ({ path: `/v1/knowledge/documents/${await knowledgeDocumentId(t)}`, body: { category: "hours" } }), deniedRole: "agent", targetsObject: true },
  { method: "DELETE", path: "/v1/knowledge/documents/{id}", build: async (t) => ({ path: `/v1/knowledge/documents/${await knowledgeDocumentId(t)}` }), deniedRole: "agent", targetsObject: true },
  { method: "GET", path: "/v1/knowledge/documents/{id}/file", build: async (t) => ({ path: `/v1/knowledge/documents/${await knowledgeDocumentId(t)}/file` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "POST", path: "/v1/knowledge/search", build: async () => ({ path: "/v1/knowledge/search", body: { query: "opening hours" } }), deniedRole: "billing_admin", targetsObject: false },
  { method: "POST", path: "/v1/knowledge/answer", build: async () => ({ path: "/v1/knowledge/answer", body: { question: "When do you open?" } }), deniedRole: "billing_admin", targetsObject: false },
  { method: "GET", path: "/v1/knowledge/analytics", build: async () => ({ path: "/v1/knowledge/analytics" }), deniedRole: "agent", targetsObject: false },
];
