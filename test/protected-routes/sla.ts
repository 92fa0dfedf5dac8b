import { call, expectStatus, type TenantHandle } from "../harness";
import type { ProtectedRoute } from "../route-builders";

/** An SLA policy of tenant `t`. */
export const slaPolicyId = async (t: TenantHandle) => {
  const res = await call("POST", "/v1/sla-policies", { token: t.owner.token, body: { name: "Route test", first_response_s: 3600 } });
  expectStatus(res, 201);
  return res.body.id as string;
};

/** An automation rule of tenant `t`. */
export const automationRuleId = async (t: TenantHandle) => {
  const res = await call("POST", "/v1/automation-rules", { token: t.owner.token, body: { name: "Route test", trigger: "sla.breached", actions: [{ type: "set_priority", priority: "P1" }] } });
  expectStatus(res, 201);
  return res.body.id as string;
};

/** This area's protected routes for the common route tests (test/routes.security.test.ts). */
export const SLA_ROUTES: ProtectedRoute[] = [
  { method: "GET", path: "/v1/sla-policies", build: async () => ({ path: "/v1/sla-policies" }), deniedRole: "billing_admin", targetsObject: false },
  { method: "POST", path: "/v1/sla-policies", build: async () => ({ path: "/v1/sla-policies", body: { name: "Standard", first_response_s: 900 } }), deniedRole: "agent", targetsObject: false },
  { method: "GET", path: "/v1/sla-policies/{id}", build: async (t) => ({ path: `/v1/sla-policies/${await slaPolicyId(t)}` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "PATCH", path: "/v1/sla-policies/{id}", build: async (t) => ({ path: `/v1/sla-policies/${await slaPolicyId(t)}`, body: { warning_pct: 75 } }), deniedRole: "agent", targetsObject: true },
  { method: "DELETE", path: "/v1/sla-policies/{id}", build: async (t) => ({ path: `/v1/sla-policies/${await slaPolicyId(t)}` }), deniedRole: "agent", targetsObject: true },
  { method: "GET", path: "/v1/automation-rules", build: async () => ({ path: "/v1/automation-rules" }), deniedRole: "billing_admin", targetsObject: false },
  {
    method: "POST",
    path: "/v1/automation-rules",
    build: async () => ({ path: "/v1/automation-rules", body: { name: "Tag", trigger: "message.received", actions: [{ type: "add_label", label: "new" }] } }),
    deniedRole: "agent",
    targetsObject: false,
  },
  { method: "GET", path: "/v1/automation-rules/{id}", build: async (t) => ({ path: `/v1/automation-rules/${await automationRuleId(t)}` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "PATCH", path: "/v1/automation-rules/{id}", build: async (t) => ({ path: `/v1/automation-rules/${await automationRuleId(t)}`, body: { enabled: false } }), deniedRole: "agent", targetsObject: true },
  { method: "DELETE", path: "/v1/automation-rules/{id}", build: async (t) => ({ path: `/v1/automation-rules/${await automationRuleId(t)}` }), deniedRole: "agent", targetsObject: true },
  { method: "GET", path: "/v1/automation-rules/{id}/runs", build: async (t) => ({ path: `/v1/automation-rules/${await automationRuleId(t)}/runs` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "GET", path: "/v1/reports", build: async () => ({ path: "/v1/reports" }), deniedRole: "agent", targetsObject: false },
];
