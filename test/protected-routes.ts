import type { Role } from "../src/db/schema";
import type { TenantHandle } from "./harness";

/** Every protected API route, with what it needs to exist and a role that is not allowed to call it. */
export interface ProtectedRoute {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  /** Builds the concrete path and body for tenant `t` (creating the objects the route acts on). */
  build(t: TenantHandle): Promise<{ path: string; body?: unknown }>;
  /** A role the route must refuse with 403, or null when every member may call it. */
  deniedRole: Role | null;
  /** Whether the path names one object (so another tenant's token must get 404). */
  targetsObject: boolean;
}

const contactId = async (t: TenantHandle) => (await t.createContact()).id as string;
const memberId = async (t: TenantHandle) => (await t.createUser("agent")).memberId!;
const keyId = async (t: TenantHandle) => (await t.createApiKey(["contacts:read"])).id;
const newEmail = () => `invitee-${crypto.randomUUID().slice(0, 8)}@example.com`;

export const PROTECTED_ROUTES: ProtectedRoute[] = [
  { method: "GET", path: "/v1/me", build: async () => ({ path: "/v1/me" }), deniedRole: null, targetsObject: false },
  { method: "GET", path: "/v1/contacts", build: async () => ({ path: "/v1/contacts" }), deniedRole: "billing_admin", targetsObject: false },
  { method: "POST", path: "/v1/contacts", build: async () => ({ path: "/v1/contacts", body: { name: "New Person" } }), deniedRole: "viewer", targetsObject: false },
  { method: "GET", path: "/v1/contacts/{id}", build: async (t) => ({ path: `/v1/contacts/${await contactId(t)}` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "PATCH", path: "/v1/contacts/{id}", build: async (t) => ({ path: `/v1/contacts/${await contactId(t)}`, body: { name: "Renamed" } }), deniedRole: "viewer", targetsObject: true },
  { method: "DELETE", path: "/v1/contacts/{id}", build: async (t) => ({ path: `/v1/contacts/${await contactId(t)}` }), deniedRole: "viewer", targetsObject: true },
  {
    method: "POST",
    path: "/v1/contacts/{id}/merge",
    build: async (t) => ({ path: `/v1/contacts/${await contactId(t)}/merge`, body: { source_id: await contactId(t) } }),
    deniedRole: "viewer",
    targetsObject: true,
  },
  { method: "GET", path: "/v1/members", build: async () => ({ path: "/v1/members" }), deniedRole: "billing_admin", targetsObject: false },
  { method: "POST", path: "/v1/members", build: async () => ({ path: "/v1/members", body: { email: newEmail(), role: "agent" } }), deniedRole: "supervisor", targetsObject: false },
  { method: "PATCH", path: "/v1/members/{id}", build: async (t) => ({ path: `/v1/members/${await memberId(t)}`, body: { role: "viewer" } }), deniedRole: "agent", targetsObject: true },
  { method: "DELETE", path: "/v1/members/{id}", build: async (t) => ({ path: `/v1/members/${await memberId(t)}` }), deniedRole: "agent", targetsObject: true },
  { method: "GET", path: "/v1/api-keys", build: async () => ({ path: "/v1/api-keys" }), deniedRole: "agent", targetsObject: false },
  { method: "POST", path: "/v1/api-keys", build: async () => ({ path: "/v1/api-keys", body: { name: "k", scopes: ["contacts:read"] } }), deniedRole: "supervisor", targetsObject: false },
  { method: "DELETE", path: "/v1/api-keys/{id}", build: async (t) => ({ path: `/v1/api-keys/${await keyId(t)}` }), deniedRole: "agent", targetsObject: true },
];
