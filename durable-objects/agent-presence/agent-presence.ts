import { DurableObject } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { Database } from "../../src/db/client";
import { loadConfig, type Env } from "../../src/env";

/**
 * One object per (workspace, member): holds the member's presence sockets, one per open inbox page
 * (hibernation API, so an idle agent costs nothing). When the last one goes away — tab closed, laptop
 * asleep, network gone — and none comes back within the grace period (a click to the next page closes
 * one socket and opens another), the agent becomes offline, so routing stops giving them conversations.
 * The alarm is durable: an eviction or restart between the close and the deadline still marks them.
 */
export class AgentPresence extends DurableObject<Env> {
  static readonly GRACE_MS = 30_000;

  override async fetch(request: Request): Promise<Response> {
    const tenantId = request.headers.get("x-parley-tenant");
    const userId = request.headers.get("x-parley-user");
    if (!tenantId || !userId || request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a presence upgrade", { status: 400 });
    await this.ctx.storage.put("who", { tenantId, userId });
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    // Back before the deadline: the agent never left.
    await this.ctx.storage.deleteAlarm();
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // Pings keep proxies from closing an idle socket; nothing else is said on it.
    if (message === "ping") ws.send("pong");
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    await this.gone(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.gone(ws);
  }

  private async gone(closing: WebSocket) {
    const open = this.ctx.getWebSockets().filter((s) => s !== closing && s.readyState === WebSocket.OPEN);
    if (open.length === 0) await this.ctx.storage.setAlarm(Date.now() + AgentPresence.GRACE_MS);
  }

  override async alarm(): Promise<void> {
    if (this.ctx.getWebSockets().some((s) => s.readyState === WebSocket.OPEN)) return;
    const who = await this.ctx.storage.get<{ tenantId: string; userId: string }>("who");
    if (!who) return;
    const db = new Database(loadConfig(this.env), "parley-presence");
    try {
      await db.scoped({ tenantId: who.tenantId }, async (tx) => {
        const changed = await tx.execute<{ availability: string }>(sql`
          update agents set availability = 'offline', availability_changed_at = now(), updated_at = now(), version = version + 1
          where tenant_id = ${who.tenantId}::uuid and user_id = ${who.userId}::uuid and availability <> 'offline' returning availability`);
        if (changed.rows.length) {
          await tx.execute(sql`insert into audit_log (tenant_id, actor_type, actor_id, action, entity_type, entity_id, data)
            values (${who.tenantId}::uuid, 'system', 'presence', 'member.profile_changed', 'member', ${who.userId}, ${JSON.stringify({ user_id: who.userId, availability: { to: "offline" }, reason: "live sockets closed" })}::jsonb)`);
        }
      });
    } finally {
      await db.close();
    }
  }
}
