import type { ProtectedRoute } from "./route-builders";
import {
  contactId,
  loggedEvent,
  conversationId,
  annotatedMessage,
  memberId,
  keyId,
  channelId,
  FLOW_DEFINITION,
  flowId,
  ticketId,
  reservationBody,
  reservationId,
  newEmail,
} from "./route-builders";
import { KNOWLEDGE_ROUTES } from "./protected-routes/knowledge";
import { SLA_ROUTES } from "./protected-routes/sla";
import { TEAM_ROUTES } from "./protected-routes/teams";

export type { ProtectedRoute };

/** Every protected API route, with what it needs and a role that is not allowed to call it. */
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
  { method: "GET", path: "/v1/billing", build: async () => ({ path: "/v1/billing" }), deniedRole: "agent", targetsObject: false },
  { method: "POST", path: "/v1/billing/checkout", build: async () => ({ path: "/v1/billing/checkout", body: { plan: "starter" } }), deniedRole: "admin", targetsObject: false },
  { method: "POST", path: "/v1/billing/portal", build: async () => ({ path: "/v1/billing/portal" }), deniedRole: "supervisor", targetsObject: false },
  { method: "GET", path: "/v1/channels", build: async () => ({ path: "/v1/channels" }), deniedRole: "billing_admin", targetsObject: false },
  {
    method: "POST",
    path: "/v1/channels",
    build: async () => ({ path: "/v1/channels", body: { type: "telegram", name: "Bot", credentials: { bot_token: `123456789:${"A".repeat(35)}`, secret_token: "s3cret_token_0123456" } } }),
    deniedRole: "supervisor",
    targetsObject: false,
  },
  { method: "GET", path: "/v1/channels/{id}", build: async (t) => ({ path: `/v1/channels/${await channelId(t)}` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "PATCH", path: "/v1/channels/{id}", build: async (t) => ({ path: `/v1/channels/${await channelId(t)}`, body: { name: "Renamed" } }), deniedRole: "supervisor", targetsObject: true },
  { method: "DELETE", path: "/v1/channels/{id}", build: async (t) => ({ path: `/v1/channels/${await channelId(t)}` }), deniedRole: "supervisor", targetsObject: true },
  { method: "GET", path: "/v1/conversations", build: async () => ({ path: "/v1/conversations" }), deniedRole: "billing_admin", targetsObject: false },
  { method: "GET", path: "/v1/conversations/{id}", build: async (t) => ({ path: `/v1/conversations/${await conversationId(t)}` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "PATCH", path: "/v1/conversations/{id}", build: async (t) => ({ path: `/v1/conversations/${await conversationId(t)}`, body: { state: "escalated" } }), deniedRole: "viewer", targetsObject: true },
  { method: "GET", path: "/v1/conversations/{id}/messages", build: async (t) => ({ path: `/v1/conversations/${await conversationId(t)}/messages` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "POST", path: "/v1/conversations/{id}/messages", build: async (t) => ({ path: `/v1/conversations/${await conversationId(t)}/messages`, body: { content: "Hello from support" } }), deniedRole: "viewer", targetsObject: true },
  {
    method: "PATCH",
    path: "/v1/conversations/{id}/messages/{message_id}/annotations",
    build: async (t) => {
      const m = await annotatedMessage(t);
      return { path: `/v1/conversations/${m.conversation}/messages/${m.message}/annotations`, body: { priority: "P1" } };
    },
    deniedRole: "viewer",
    targetsObject: true,
  },
  { method: "GET", path: "/v1/annotations/corrections", build: async () => ({ path: "/v1/annotations/corrections" }), deniedRole: "billing_admin", targetsObject: false },
  { method: "GET", path: "/v1/channels/{id}/events", build: async (t) => ({ path: `/v1/channels/${(await loggedEvent(t)).channelId}/events` }), deniedRole: "billing_admin", targetsObject: true },
  {
    method: "POST",
    path: "/v1/channels/{id}/events/{event_id}/replay",
    build: async (t) => {
      const e = await loggedEvent(t);
      return { path: `/v1/channels/${e.channelId}/events/${e.eventId}/replay` };
    },
    deniedRole: "supervisor",
    targetsObject: true,
  },
  { method: "GET", path: "/v1/flows", build: async () => ({ path: "/v1/flows" }), deniedRole: "billing_admin", targetsObject: false },
  { method: "POST", path: "/v1/flows", build: async () => ({ path: "/v1/flows", body: { name: "Bot", definition: FLOW_DEFINITION } }), deniedRole: "agent", targetsObject: false },
  { method: "GET", path: "/v1/flows/{id}", build: async (t) => ({ path: `/v1/flows/${await flowId(t)}` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "PUT", path: "/v1/flows/{id}", build: async (t) => ({ path: `/v1/flows/${await flowId(t)}`, body: { definition: FLOW_DEFINITION } }), deniedRole: "agent", targetsObject: true },
  { method: "POST", path: "/v1/flows/signing-secret", build: async () => ({ path: "/v1/flows/signing-secret" }), deniedRole: "agent", targetsObject: false },
  { method: "POST", path: "/v1/flows/{id}/publish", build: async (t) => ({ path: `/v1/flows/${await flowId(t)}/publish`, body: {} }), deniedRole: "agent", targetsObject: true },
  { method: "GET", path: "/v1/flows/{id}/versions", build: async (t) => ({ path: `/v1/flows/${await flowId(t)}/versions` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "POST", path: "/v1/flows/{id}/simulate", build: async (t) => ({ path: `/v1/flows/${await flowId(t)}/simulate`, body: { messages: ["hi"] } }), deniedRole: "billing_admin", targetsObject: true },
  { method: "POST", path: "/v1/understand", build: async () => ({ path: "/v1/understand", body: { text: "No puedo entrar a mi cuenta" } }), deniedRole: null, targetsObject: false },
  { method: "GET", path: "/v1/tickets", build: async () => ({ path: "/v1/tickets" }), deniedRole: "billing_admin", targetsObject: false },
  { method: "POST", path: "/v1/tickets", build: async () => ({ path: "/v1/tickets", body: { title: "Refund not received" } }), deniedRole: "viewer", targetsObject: false },
  { method: "GET", path: "/v1/tickets/{id}", build: async (t) => ({ path: `/v1/tickets/${await ticketId(t)}` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "PATCH", path: "/v1/tickets/{id}", build: async (t) => ({ path: `/v1/tickets/${await ticketId(t)}`, body: { status: "pending" } }), deniedRole: "viewer", targetsObject: true },
  { method: "GET", path: "/v1/reservations", build: async () => ({ path: "/v1/reservations" }), deniedRole: "billing_admin", targetsObject: false },
  { method: "GET", path: "/v1/reservations/slots", build: async () => ({ path: "/v1/reservations/slots?date=2031-03-03" }), deniedRole: "billing_admin", targetsObject: false },
  { method: "POST", path: "/v1/reservations", build: async (t) => ({ path: "/v1/reservations", body: await reservationBody(t) }), deniedRole: "viewer", targetsObject: false },
  { method: "GET", path: "/v1/reservations/{id}", build: async (t) => ({ path: `/v1/reservations/${await reservationId(t)}` }), deniedRole: "billing_admin", targetsObject: true },
  { method: "PATCH", path: "/v1/reservations/{id}", build: async (t) => ({ path: `/v1/reservations/${await reservationId(t)}`, body: { status: "cancelled" } }), deniedRole: "viewer", targetsObject: true },
  // Areas with many routes keep their own list.
  ...KNOWLEDGE_ROUTES,
  ...TEAM_ROUTES,
  ...SLA_ROUTES,
];
