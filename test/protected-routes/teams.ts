import type { ProtectedRoute } from "../route-builders";
import { ownerQuery, type TenantHandle } from "../harness";

// Cheap builders: rows inserted directly (the routes under test only need them to exist).
const teamId = async (t: TenantHandle) =>
  (await ownerQuery<{ id: string }>("insert into teams (id, tenant_id, name) values (gen_random_uuid(), $1, $2) returning id", [t.id, `Team ${crypto.randomUUID().slice(0, 8)}`]))[0]!.id;
const bareConversation = async (t: TenantHandle) => {
  const [row] = await ownerQuery<{ id: string }>(
    `with ch as (insert into channels (id, tenant_id, type, name) values (gen_random_uuid(), $1, 'api', 'seeded') returning id),
          co as (insert into contacts (id, tenant_id, name) values (gen_random_uuid(), $1, 'Customer') returning id)
     insert into conversations (id, tenant_id, channel_id, contact_id, thread_key) select gen_random_uuid(), $1, ch.id, co.id, ch.id || ':' || co.id from ch, co returning id`,
    [t.id],
  );
  return row!.id;
};
const notificationId = async (t: TenantHandle) =>
  (await ownerQuery<{ id: string }>("insert into notifications (id, tenant_id, user_id, kind, body) values (gen_random_uuid(), $1, $2, 'mention', 'Look at this') returning id", [t.id, t.owner.userId]))[0]!.id;

/** This area's protected routes for the common route tests (test/routes.security.test.ts). */
export const TEAM_ROUTES: ProtectedRoute[] = [
  { method: "POST", path: "/v1/teams", build: async () => ({ path: "/v1/teams", body: { name: `Support ${crypto.randomUUID().slice(0, 6)}`, routing: "round_robin" } }), deniedRole: "supervisor", targetsObject: false },
  { method: "GET", path: "/v1/teams", build: async () => ({ path: "/v1/teams" }), deniedRole: "billing_admin", targetsObject: false },
  { method: "GET", path: "/v1/teams/{id}", build: async (t) => ({ path: `/v1/teams/${await teamId(t)}` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "PATCH", path: "/v1/teams/{id}", build: async (t) => ({ path: `/v1/teams/${await teamId(t)}`, body: { routing: "least_busy" } }), deniedRole: "agent", targetsObject: true },
  { method: "DELETE", path: "/v1/teams/{id}", build: async (t) => ({ path: `/v1/teams/${await teamId(t)}` }), deniedRole: "agent", targetsObject: true },
  { method: "POST", path: "/v1/conversations/{id}/notes", build: async (t) => ({ path: `/v1/conversations/${await bareConversation(t)}/notes`, body: { content: "Internal: check the refund" } }), deniedRole: "viewer", targetsObject: true },
  { method: "GET", path: "/v1/conversations/{id}/notes", build: async (t) => ({ path: `/v1/conversations/${await bareConversation(t)}/notes` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "GET", path: "/v1/notifications", build: async () => ({ path: "/v1/notifications" }), deniedRole: "billing_admin", targetsObject: false },
  { method: "POST", path: "/v1/notifications/{id}/read", build: async (t) => ({ path: `/v1/notifications/${await notificationId(t)}/read` }), deniedRole: "billing_admin", targetsObject: true },
];
