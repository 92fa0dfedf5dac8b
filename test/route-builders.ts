// Builders for the common route tests: each makes, for tenant `t`, the object a route acts on, the real way.
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

export const contactId = async (t: TenantHandle) => (await t.createContact()).id as string;
/** A channel with one logged, verified delivery. */
export const loggedEvent = async (t: TenantHandle) => {
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
export const conversationId = async (t: TenantHandle) => {
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
export const annotatedMessage = async (t: TenantHandle) => {
  const conversation = await conversationId(t);
  return eventually(async () => {
    const res = await call("GET", `/v1/conversations/${conversation}/messages`, { token: t.owner.token });
    const message = res.body.data.find((m: { annotations?: unknown }) => m.annotations);
    if (!message) throw new Error("message not annotated yet");
    return { conversation, message: message.id as string };
  });
};
export const memberId = async (t: TenantHandle) => (await t.createUser("agent")).memberId!;
export const keyId = async (t: TenantHandle) => (await t.createApiKey(["contacts:read"])).id;
export const channelId = async (t: TenantHandle) => {
  const res = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "webchat", name: "Site chat", config: { allowed_origins: ["https://shop.example.com"] } } });
  expectStatus(res, 201);
  return res.body.id as string;
};
export const FLOW_DEFINITION = { start: "hello", nodes: { hello: { type: "message", text: "Hello!" } } };
export const flowId = async (t: TenantHandle) => {
  const res = await call("POST", "/v1/flows", { token: t.owner.token, body: { name: "Support bot", definition: FLOW_DEFINITION } });
  expectStatus(res, 201);
  return res.body.id as string;
};
export const ticketId = async (t: TenantHandle) => {
  const res = await call("POST", "/v1/tickets", { token: t.owner.token, body: { title: "Printer on fire" } });
  expectStatus(res, 201);
  return res.body.id as string;
};
/** A booking body for a fresh contact; each build gets its own tenant, so the fixed slot is free. */
export const reservationBody = async (t: TenantHandle) => ({ contact_id: await contactId(t), slot_date: "2031-03-03", slot_time: "10:00" });
export const reservationId = async (t: TenantHandle) => {
  const res = await call("POST", "/v1/reservations", { token: t.owner.token, body: await reservationBody(t) });
  expectStatus(res, 201);
  return res.body.id as string;
};
export const newEmail = () => `invitee-${crypto.randomUUID().slice(0, 8)}@example.com`;

