/**
 * The live-socket half of a conversation thread object (hibernation API): who may hold a socket, for
 * how long, and how a socket ends when its access does.
 *
 * Each socket carries an attachment (kept across hibernation) saying whose it is and until when. An
 * agent socket names its session and user, so logout, member removal and role changes can close it
 * (`closeWhere`, called through the per-workspace registry in tenant-quota/live-registry.ts), and it
 * expires with the credential that opened it: nothing is ever sent to an expired socket, and it is
 * closed the next time anything (a broadcast, the client's ping) touches it.
 */

/** Set by the Worker's routes (never passed through from a client) on the upgrade it forwards. */
export const LIVE_HEADERS = {
  audience: "x-parley-audience",
  conversation: "x-parley-conversation",
  session: "x-parley-session",
  user: "x-parley-user",
  expires: "x-parley-expires",
  protocol: "x-parley-protocol",
} as const;

export type LiveAttachment =
  | { audience: "agent"; conversationId: string; sessionId: string; userId: string; expiresAt: number }
  | { audience: "visitor"; expiresAt: number };

/** Application close codes (4000–4999): the inbox script reconnects on them, re-checking access. */
export const CLOSE_ACCESS_ENDED = 4001;
export const CLOSE_EXPIRED = 4002;

/**
 * The upgrade the Worker forwards: only Parley's own headers, so nothing a client sent can choose the
 * audience, conversation or session of a socket.
 */
export function liveUpgrade(url: string, headers: Partial<Record<keyof typeof LIVE_HEADERS, string>>): Request {
  const out = new Headers({ upgrade: "websocket" });
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out.set(LIVE_HEADERS[k as keyof typeof LIVE_HEADERS], v);
  return new Request(url, { headers: out });
}

/** Accepts the forwarded upgrade as a hibernating socket, tagged and with its attachment. */
export function acceptLiveSocket(ctx: DurableObjectState, request: Request): Response {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
  const h = (name: keyof typeof LIVE_HEADERS) => request.headers.get(LIVE_HEADERS[name]);
  const expiresAt = Number(h("expires"));
  if (!Number.isFinite(expiresAt) || expiresAt <= Date.now()) return new Response("missing or past expiry", { status: 400 });
  let attachment: LiveAttachment;
  if (h("audience") === "visitor") {
    attachment = { audience: "visitor", expiresAt };
  } else {
    const conversationId = h("conversation");
    const sessionId = h("session");
    const userId = h("user");
    if (!conversationId || !sessionId || !userId) return new Response("missing agent identity", { status: 400 });
    attachment = { audience: "agent", conversationId, sessionId, userId, expiresAt };
  }
  const pair = new WebSocketPair();
  // Agents' sockets are tagged by conversation, so they hear only the one they opened. The thread is
  // one customer, so the customer's own (web chat visitor) sockets hear every message of the thread.
  ctx.acceptWebSocket(pair[1], attachment.audience === "visitor" ? ["visitor"] : [attachment.conversationId, "agent"]);
  pair[1].serializeAttachment(attachment);
  const protocol = h("protocol");
  return new Response(null, { status: 101, webSocket: pair[0], headers: protocol ? { "sec-websocket-protocol": protocol } : {} });
}

const attachmentOf = (ws: WebSocket) => ws.deserializeAttachment() as LiveAttachment | null;

function close(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    // already closing
  }
}

/** False (and closes it) when the socket's credential has expired; sockets from before attachments count as expired. */
function live(ws: WebSocket, now = Date.now()): boolean {
  const a = attachmentOf(ws);
  if (a && a.expiresAt > now) return true;
  close(ws, CLOSE_EXPIRED, "credentials expired");
  return false;
}

/** Sends to every still-valid socket with the tag. */
export function sendToTag(ctx: DurableObjectState, tag: string, data: string): void {
  const now = Date.now();
  for (const ws of ctx.getWebSockets(tag)) {
    if (!live(ws, now)) continue;
    try {
      ws.send(data);
    } catch {
      // a socket closing under us is not an error for the others
    }
  }
}

/** The client's keep-alive: answered while the socket is valid, and the moment it is not, closed. */
export function onLiveMessage(ws: WebSocket, message: string | ArrayBuffer): void {
  if (!live(ws)) return;
  if (message === "ping") ws.send("pong");
}

/** Closes the agent sockets of a session or of a user (all their sessions); returns how many. */
export function closeWhere(ctx: DurableObjectState, match: { sessionId?: string; userId?: string }, reason: string): number {
  let closed = 0;
  for (const ws of ctx.getWebSockets("agent")) {
    const a = attachmentOf(ws);
    if (a?.audience !== "agent") continue;
    if ((match.sessionId && a.sessionId === match.sessionId) || (match.userId && a.userId === match.userId)) {
      close(ws, CLOSE_ACCESS_ENDED, reason);
      closed += 1;
    }
  }
  return closed;
}

/** How many agent sockets are open and valid (for the registry to forget objects with none). */
export function openAgentSockets(ctx: DurableObjectState): number {
  const now = Date.now();
  return ctx.getWebSockets("agent").filter((ws) => (attachmentOf(ws)?.expiresAt ?? 0) > now).length;
}
