import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./routes/hono-env";
import { errorResponses } from "./routes/errors";

/**
 * The one OpenAPI document: /openapi.json serves it, /docs renders it, `npm run api:lint` lints it and
 * `npm run api:client` generates the typed client from it (scripts/api-document.ts builds it without a
 * server). Everything about it beyond the routes themselves is decided here.
 */

const AUTHENTICATION = [
  "## Authentication",
  "",
  "Protected operations take `Authorization: Bearer <credential>`, where the credential is either:",
  "",
  "- an **access token** (a JWT, 15 minutes) from `signUp`, `logIn` or `refreshSession`; it acts as that member",
  "  with their role (owner, admin, supervisor, agent, viewer, billing_admin). Renew it with the refresh token",
  "  (rotated on every use; reusing an old one ends the session). Keys to verify it: `/.well-known/jwks.json`.",
  "- an **API key** (`pk_…`) made with `createApiKey` for server-to-server calls; it can do only what its scopes",
  "  allow (`contacts:read`, `contacts:write`, …) and is shown once.",
  "",
  "Operations marked with no security (sign-up, log-in, refresh, invitation accept, JWKS, health, the Stripe",
  "webhook) take no credential; webhooks are verified by their provider's signature instead.",
  "",
  "## Errors",
  "",
  "Every 4xx and 5xx answer has the same body: `{\"error\": {\"code\", \"message\", \"request_id\"}}`, plus `field`",
  "when one input field is to blame. Branch on `code`: each operation lists the codes it can answer with under",
  "each status. Another workspace's objects are always 404, never 403.",
  "",
  "## Pagination and concurrency",
  "",
  "Lists answer `{data, next_cursor}`; pass `cursor=<next_cursor>` for the next page until it is null. Updates",
  "take the object's `version` (or `If-Match: \"<version>\"`) and answer 409 `VERSION_CONFLICT` when it moved on.",
].join("\n");

/** Tag order and descriptions, as the reference's navigation shows them. */
const TAGS: Array<{ name: string; description: string }> = [
  { name: "auth", description: "Sign up, sign in, sessions and the signing keys" },
  { name: "members", description: "People in the workspace, their roles, and invitations" },
  { name: "api keys", description: "Scoped keys for server-to-server calls" },
  { name: "contacts", description: "The workspace's customers" },
  { name: "channels", description: "Connected WhatsApp, Telegram, SMS, email, web chat and API channels, and their delivery log" },
  { name: "conversations", description: "Threads with customers, their messages and agent replies" },
  { name: "understanding", description: "Language, intent, sentiment, urgency and priority of messages" },
  { name: "flows", description: "Versioned bot flows: drafts, publishing and the simulator" },
  { name: "tickets", description: "Tickets opened by agents or flows" },
  { name: "reservations", description: "Bookable slots and reservations" },
  { name: "knowledge", description: "Documents the bot answers from, search and answers with citations" },
  { name: "teams", description: "Teams and how conversations are routed to them" },
  { name: "sla", description: "Service-level policies and their clocks" },
  { name: "automation", description: "Rules that act on conversation events" },
  { name: "reports", description: "Figures over conversations, SLAs and agents" },
  { name: "notifications", description: "What the signed-in member is told about (assignments, SLA warnings, ...)" },
  { name: "billing", description: "Plans, checkout, the customer portal and Stripe's webhook" },
  { name: "ops", description: "Health of the service" },
];

export function documentConfig(origin: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Parley API",
      version: "1.0.0",
      summary: "Multi-tenant omnichannel conversations",
      description: `Parley's public API: one workspace's contacts, channels, conversations, bot flows, tickets and billing.\n\n${AUTHENTICATION}`,
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: origin, description: "This server" }],
    tags: TAGS,
  };
}

/**
 * What the route files cannot say about themselves, added to every operation alike: the edge refuses
 * any /v1 body over its limit (bodyLimit in app.ts) before a handler runs. Tags no operation uses are
 * dropped, so an area that has no routes yet is not an empty section.
 */
function finish(doc: ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>) {
  // Generated after the routes' schemas became JSON, so the body is the Error component by reference.
  const { content, ...rest } = errorResponses("PAYLOAD_TOO_LARGE")["413"]!;
  const tooLarge = { ...rest, content: { "application/json": { ...content["application/json"], schema: { $ref: "#/components/schemas/Error" } } } };
  const used = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const op of Object.values(item as Record<string, { requestBody?: unknown; responses?: Record<string, unknown>; tags?: string[] }>)) {
      if (typeof op !== "object" || !op || !op.responses) continue;
      for (const t of op.tags ?? []) used.add(t);
      if (path.startsWith("/v1/") && op.requestBody && !op.responses["413"]) op.responses["413"] = tooLarge;
    }
  }
  doc.tags = (doc.tags ?? []).filter((t) => used.has(t.name));
  return doc;
}

export function buildDocument(app: OpenAPIHono<AppEnv>, origin: string) {
  return finish(app.getOpenAPI31Document(documentConfig(origin)));
}
