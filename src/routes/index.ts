import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./hono-env";
import * as apiKeyCreate from "./api-keys/create";
import * as apiKeyList from "./api-keys/list";
import * as apiKeyRevoke from "./api-keys/revoke";
import * as billingCheckout from "./billing/checkout";
import * as billingGet from "./billing/get";
import * as billingPortal from "./billing/portal";
import * as stripeWebhook from "./billing/stripe-webhook";
import * as jwks from "./auth/jwks";
import * as login from "./auth/login";
import * as logout from "./auth/logout";
import * as me from "./auth/me";
import * as refresh from "./auth/refresh";
import * as signup from "./auth/signup";
import * as channelCreate from "./channels/create";
import * as channelDelete from "./channels/delete";
import * as channelEvents from "./channels/events";
import * as channelReplay from "./channels/replay";
import * as channelGet from "./channels/get";
import * as channelList from "./channels/list";
import * as channelUpdate from "./channels/update";
import * as contactCreate from "./contacts/create";
import * as contactDelete from "./contacts/delete";
import * as contactGet from "./contacts/get";
import * as contactList from "./contacts/list";
import * as contactMerge from "./contacts/merge";
import * as contactUpdate from "./contacts/update";
import * as annotationCorrections from "./annotations/corrections";
import * as conversationAnnotations from "./conversations/annotations";
import * as conversationGet from "./conversations/get";
import * as conversationList from "./conversations/list";
import * as conversationMessages from "./conversations/messages-list";
import * as conversationReply from "./conversations/reply";
import * as conversationUpdate from "./conversations/update";
import * as flowCreate from "./flows/create";
import * as flowGet from "./flows/get";
import * as flowList from "./flows/list";
import * as flowPublish from "./flows/publish";
import * as flowSigningSecret from "./flows/signing-secret";
import * as flowSimulate from "./flows/simulate";
import * as flowUpdate from "./flows/update";
import * as flowVersions from "./flows/versions";
import * as health from "./health";
import * as memberAccept from "./members/accept";
import * as memberInvite from "./members/invite";
import * as memberList from "./members/list";
import * as memberRemove from "./members/remove";
import * as memberUpdate from "./members/update";
import * as reservationCreate from "./reservations/create";
import * as reservationGet from "./reservations/get";
import * as reservationList from "./reservations/list";
import * as reservationSlots from "./reservations/slots";
import * as reservationUpdate from "./reservations/update";
import * as ticketCreate from "./tickets/create";
import * as ticketGet from "./tickets/get";
import * as ticketList from "./tickets/list";
import * as ticketUpdate from "./tickets/update";
import * as understand from "./understand";
import { routes as knowledgeRoutes } from "./knowledge";
import { routes as slaRoutes } from "./sla";
import { routes as teamRoutes } from "./teams";
import type { RouteModule } from "./route-module";

/** Routes that take no bearer credential; everything else under /v1 goes through `authenticate`. */
export const PUBLIC_API_PATHS = new Set([signup.route.path, login.route.path, refresh.route.path, logout.route.path, memberAccept.route.path]);

export function registerRoutes(app: OpenAPIHono<AppEnv>) {
  // The handler types are checked in each route file against its own route; registering them as one list
  // only needs the common shape.
  const routes = [
    health, jwks, signup, login, refresh, logout, me,
    contactCreate, contactList, contactGet, contactUpdate, contactDelete, contactMerge,
    memberList, memberInvite, memberUpdate, memberRemove, memberAccept,
    apiKeyCreate, apiKeyList, apiKeyRevoke,
    billingGet, billingCheckout, billingPortal, stripeWebhook,
    channelCreate, channelList, channelGet, channelUpdate, channelDelete, channelEvents, channelReplay,
    conversationList, conversationGet, conversationUpdate, conversationMessages, conversationReply, conversationAnnotations, annotationCorrections,
    flowCreate, flowList, flowSigningSecret, flowGet, flowUpdate, flowPublish, flowVersions, flowSimulate,
    ticketCreate, ticketList, ticketGet, ticketUpdate,
    reservationCreate, reservationList, reservationSlots, reservationGet, reservationUpdate,
    understand,
  ] as RouteModule[];
  // Areas with many routes keep their own list (one file each, so they change independently).
  routes.push(...knowledgeRoutes, ...teamRoutes, ...slaRoutes);
  for (const r of routes) app.openapi(r.route, r.handler);
}
