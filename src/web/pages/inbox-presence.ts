import type { Context } from "hono";
import { sha256Hex } from "../../lib/crypto";
import { AppError, unauthorized } from "../../lib/errors";
import { originMatches } from "../../middleware/socket-credentials";
import type { AppEnv } from "../../routes/hono-env";
import { withTenant } from "../../services/access";
import { tenantOfToken } from "../../lib/tenant-token";
import { readSessionCookie } from "../session";

/**
 * `/app/presence`: the inbox pages' presence socket, handed to the member's AgentPresence object.
 * Only the web session cookie, and only from Parley's own pages (a cookie rides along on any page's
 * handshake), checked like the live thread socket (src/routes/conversations/live.ts).
 */
export async function presenceUpgrade(c: Context<AppEnv>) {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("BAD_REQUEST", "Expected a WebSocket upgrade");
  const ctx = c.get("ctx");
  const origin = c.req.header("origin");
  if (origin === undefined || !originMatches(ctx.config, c.req.url, origin)) throw new AppError("FORBIDDEN", "This origin may not open presence");
  const cookie = readSessionCookie(c);
  const tenantId = cookie ? tenantOfToken("rt", cookie) : undefined;
  if (!cookie || !tenantId) throw unauthorized();
  ctx.tenantId = tenantId;
  ctx.actor = { type: "webSession", tokenHash: await sha256Hex(cookie) };
  const principal = await withTenant(ctx, "conversations:read", async (_tx, p) => p);
  if (principal.type !== "user") throw unauthorized();
  const stub = c.env.AGENT_PRESENCE.get(c.env.AGENT_PRESENCE.idFromName(`${principal.tenant.id}:${principal.userId}`));
  const forward = new Request(c.req.url, { headers: { upgrade: "websocket", "x-parley-tenant": principal.tenant.id, "x-parley-user": principal.userId } });
  const upgraded = await stub.fetch(forward);
  return new Response(upgraded.body, { status: upgraded.status, webSocket: upgraded.webSocket, headers: upgraded.headers });
}
