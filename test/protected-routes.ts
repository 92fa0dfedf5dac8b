import type { Role } from "../src/db/schema";
import { apiMessage, botSettled, createApiChannel, eventually, postSigned } from "./channel-harness";
import { call, expectStatus, ownerQuery, type TenantHandle } from "./harness";

/** Every protected API route, with what it needs to exist and a role that is not allowed to call it. */
export interface ProtectedRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  /** Builds the concrete path and body for tenant `t` (creating the objects the route acts on). */
  build(t: TenantHandle): Promise<{ path: string; body?: unknown }>;
  /** A role the route must refuse with 403, or null when every member may call it. */
  deniedRole: Role | null;
  /** Whether the path names one object (so another tenant's token must get 404). */
  targetsObject: boolean;
}

const contactId = async (t: TenantHandle) => (await t.createContact()).id as string;
/** A channel with one logged, verified delivery. */
const loggedEvent = async (t: TenantHandle) => {
  const ch = await createApiChannel(t);
  expectStatus(await postSigned(ch, apiMessage()), 200);
  const eventId = await eventually(async () => {
    const [row] = await ownerQuery("select id from channel_events where channel_id = $1", [ch.id]);
    if (!row) throw new Error("delivery not logged yet");
    await botSettled(t.id);
    return row.id as number;
  });
  return { channelId: ch.id, eventId };
};
/** A conversation made the real way: a signed message on an API channel, stored by its thread object. */
const conversationId = async (t: TenantHandle) => {
  const ch = await createApiChannel(t);
  expectStatus(await postSigned(ch, apiMessage()), 200);
  return eventually(async () => {
    const res = await call("GET", "/v1/conversations", { token: t.owner.token });
    if (res.body.data.length !== 1) throw new Error("conversation not stored yet");
    await botSettled(t.id);
    return res.body.data[0].id as string;
  });
};
/** An inbound message the bot turn has annotated, and its conversation. */
const annotatedMessage = async (t: TenantHandle) => {
  const conversation = await conversationId(t);
  return eventually(async () => {
    const res = await call("GET", `/v1/conversations/${conversation}/messages`, { token: t.owner.token });
    const message = res.body.data.find((m: { annotations?: unknown }) => m.annotations);
    if (!message) throw new Error("message not annotated yet");
    return { conversation, message: message.id as string };
  });
};
const memberId = async (t: TenantHandle) => (await t.createUser("agent")).memberId!;
const keyId = async (t: TenantHandle) => (await t.createApiKey(["contacts:read"])).id;
const channelId = async (t: TenantHandle) => {
  const res = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "webchat", name: "Site chat", config: { allowed_origins: ["https://shop.example.com"] } } });
  expectStatus(res, 201);
  return res.body.id as string;
};
const FLOW_DEFINITION = { start: "hello", nodes: { hello: { type: "message", text: "Hello!" } } };
const flowId = async (t: TenantHandle) => {
  const res = await call("POST", "/v1/flows", { token: t.owner.token, body: { name: "Support bot", definition: FLOW_DEFINITION } });
  expectStatus(res, 201);
  return res.body.id as string;
};
const ticketId = async (t: TenantHandle) => {
  const res = await call("POST", "/v1/tickets", { token: t.owner.token, body: { title: "Printer on fire" } });
  expectStatus(res, 201);
  return res.body.id as string;
};
/** A booking body for a fresh contact; each build gets its own tenant, so the fixed slot is free. */
const reservationBody = async (t: TenantHandle) => ({ contact_id: await contactId(t), slot_date: "2031-03-03", slot_time: "10:00" });
const reservationId = async (t: TenantHandle) => {
  const res = await call("POST", "/v1/reservations", { token: t.owner.token, body: await reservationBody(t) });
  expectStatus(res, 201);
  return res.body.id as string;
};
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
];
