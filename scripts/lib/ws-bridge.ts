// A WebSocket-to-TCP bridge: the Neon serverless driver speaks the Postgres protocol over a WebSocket,
// which Neon's proxy turns into TCP. Locally this bridge plays that proxy, so the Worker reaches the
// embedded (or any local) Postgres through the very driver path it uses against Neon in production.
//
// The same port also serves Neon's SQL-over-HTTP endpoint (`POST /sql`, see neon-http.ts), the path the
// Worker's one-round-trip reads and single statements take.
//
// For benchmarks it can also play the distance to Neon (`setLatency`) and an outage (`setDown`).
import http from "node:http";
import net from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { neonHttpEndpoint } from "./neon-http.ts";

export interface WsBridgeStats {
  /** WebSocket connections accepted (each one a Postgres connection, as on Neon). */
  connections: number;
  /** Connection attempts refused while the bridge was down. */
  refused: number;
  /**
   * What clients sent: statements (Query + Execute on WebSockets, each query of an HTTP request) and
   * WebSocket round trips (Query + Sync), for benchmarks.
   */
  statements: number;
  roundTrips: number;
  /** Requests to the HTTP endpoint: one round trip each, a whole batch included. */
  httpRequests: number;
  /** ErrorResponse messages the server sent back (refused statements, aborted transactions). */
  errors: number;
  /** The latest few of them, "SQLSTATE message", newest last: why a benchmark's writes are not landing. */
  lastErrors: string[];
  /**
   * Statements and connections by the client's application_name (the Worker names its paths: the
   * thread's persistence `parley-thread`, the bot `parley-bot`, requests and consumers `parley`).
   */
  byApplication: Record<string, { statements: number; connections: number; httpRequests?: number }>;
}

export interface WsBridge {
  port: number;
  stats: WsBridgeStats;
  /**
   * Simulated network round trip to the database, in ms: every chunk waits half of it in each direction
   * (in arrival order, so the byte stream is never reordered), and the WebSocket handshake waits one
   * whole round trip, as the upgrade would across the internet (TLS is not modelled). 0 turns it off.
   */
  setLatency(roundTripMs: number): void;
  /**
   * `true` makes the database unreachable: open connections are cut at once and new ones refused until
   * `setDown(false)`, as when the edge cannot reach Neon.
   */
  setDown(down: boolean): void;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export async function startWsBridge(opts: { port?: number; latencyMs?: number } = {}): Promise<WsBridge> {
  let latencyMs = opts.latencyMs ?? 0;
  let down = false;
  const stats: WsBridgeStats = { connections: 0, refused: 0, statements: 0, roundTrips: 0, httpRequests: 0, errors: 0, lastErrors: [], byApplication: {} };
  const links = new Set<() => void>();
  const sqlOverHttp = neonHttpEndpoint({
    allowed: (host, port) => LOOPBACK.has(host) && Number.isInteger(port) && port > 0,
    delay: () => latencyMs / 2,
    down: () => down,
    stats,
  });
  const server = http.createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://bridge").pathname === "/sql") return sqlOverHttp.handle(req, res);
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  // Keep-alive as a client's connection to Neon would be; the distance is charged per request.
  server.keepAliveTimeout = 60_000;
  const wss = new WebSocketServer({
    server,
    perMessageDeflate: false,
    // Refusing at the upgrade (rather than accepting and closing) is what a client sees of an
    // unreachable proxy; the handshake's own round trip is the first cost of distance.
    verifyClient: (_info, done) => {
      if (down) {
        stats.refused += 1;
        return done(false, 503, "database unreachable");
      }
      if (latencyMs === 0) return done(true);
      setTimeout(() => {
        if (!down) return done(true);
        stats.refused += 1;
        done(false, 503, "database unreachable");
      }, latencyMs);
    },
  });
  wss.on("connection", (ws: WebSocket, req) => {
    stats.connections += 1;
    const sslRequested = { value: false };
    const count = protocolCounter(stats, sslRequested);
    const countReplies = replyCounter(stats, sslRequested);
    const address = new URL(req.url ?? "/", "http://bridge").searchParams.get("address") ?? "";
    const i = address.lastIndexOf(":");
    const host = address.slice(0, i);
    const port = Number(address.slice(i + 1));
    // Only ever forward to this machine: the bridge must not become an open relay.
    if (!LOOPBACK.has(host) || !Number.isInteger(port) || port <= 0) {
      ws.close(1008, "bridge forwards to loopback only");
      return;
    }
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    const oneWay = () => latencyMs / 2;
    // Net writes before "connect" are buffered by the socket itself, in order.
    const toServer = orderedDelay(oneWay);
    const toClient = orderedDelay(oneWay);
    const cut = () => {
      toServer.clear();
      toClient.clear();
      socket.destroy();
      ws.terminate();
    };
    links.add(cut);
    ws.on("message", (data: Buffer) => {
      count(data);
      toServer.push(() => {
        socket.write(data);
        // A real Postgres closes the connection after the client's Terminate message; PGlite's socket
        // server does not, and the driver's end() would wait forever. Close it the way Postgres would.
        if (endsWithTerminate(data)) socket.end();
      });
    });
    socket.on("data", (data: Buffer) => {
      countReplies(data);
      toClient.push(() => ws.readyState === ws.OPEN && ws.send(data));
    });
    // The server's close travels behind the bytes it sent before it, like a FIN.
    socket.on("close", () => toClient.push(() => ws.close()));
    socket.on("error", () => toClient.push(() => ws.close()));
    ws.on("close", () => {
      links.delete(cut);
      toServer.push(() => socket.destroy());
    });
    ws.on("error", () => {
      links.delete(cut);
      cut();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1");
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    stats,
    setLatency(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a non-negative number of ms, got ${ms}`);
      latencyMs = ms;
    },
    setDown(value) {
      down = value;
      if (down) for (const cut of [...links]) cut();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const cut of [...links]) cut();
        for (const client of wss.clients) client.terminate();
        wss.close(() => {
          server.closeAllConnections();
          server.close(() => void sqlOverHttp.close().then(() => resolve()));
        });
      }),
  };
}

/**
 * Runs each pushed step no earlier than `delayMs()` after its push and never before an earlier step:
 * one queue per direction of a connection keeps its byte stream in order whatever the delay does.
 */
function orderedDelay(delayMs: () => number) {
  const queue: Array<{ at: number; step: () => void }> = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    // Timers may fire up to a millisecond early; a step due within it is due now.
    const now = performance.now() + 1;
    while (queue.length > 0 && queue[0]!.at <= now) queue.shift()!.step();
    if (queue.length > 0) timer = setTimeout(flush, queue[0]!.at - performance.now());
  };
  return {
    push(step: () => void) {
      const ms = delayMs();
      if (ms <= 0 && queue.length === 0) return step();
      queue.push({ at: Math.max(performance.now() + ms, queue.at(-1)?.at ?? 0), step });
      timer ??= setTimeout(flush, ms);
    },
    clear() {
      queue.length = 0;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

const SSL_REQUEST = 80877103;
const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

function endsWithTerminate(data: Buffer): boolean {
  return data.length >= TERMINATE.length && data.subarray(data.length - TERMINATE.length).equals(TERMINATE);
}

/**
 * Follows the client side of the Postgres protocol (after the untyped startup message, every message is
 * type byte + int32 length) and counts Query/Execute/Sync messages. Only used for figures, never gating.
 */
function protocolCounter(stats: Pick<WsBridgeStats, "statements" | "roundTrips" | "byApplication">, sslRequested: { value: boolean }) {
  let started = false;
  let buffer = Buffer.alloc(0);
  let app: { statements: number; connections: number } | undefined;
  return (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (!started) {
        if (buffer.length < 8) return;
        const len = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (buffer.length < len) return;
        const message = buffer.subarray(0, len);
        buffer = buffer.subarray(len);
        if (code === SSL_REQUEST) sslRequested.value = true;
        else {
          started = true; // an SSLRequest is followed by the real startup message
          // Startup parameters: NUL-terminated name/value pairs after the protocol version.
          const parts = message.subarray(8).toString("utf8").split("\0");
          const at = parts.indexOf("application_name");
          const name = at >= 0 ? parts[at + 1] || "(unnamed)" : "(unnamed)";
          app = stats.byApplication[name] ??= { statements: 0, connections: 0 };
          app.connections += 1;
        }
        continue;
      }
      if (buffer.length < 5) return;
      const len = buffer.readInt32BE(1);
      if (buffer.length < 1 + len) return;
      const type = String.fromCharCode(buffer[0]!);
      if (type === "Q" || type === "E") {
        stats.statements += 1;
        if (app) app.statements += 1;
      }
      if (type === "Q") stats.roundTrips += 1;
      else if (type === "S") stats.roundTrips += 1;
      buffer = buffer.subarray(1 + len);
    }
  };
}

/**
 * Follows the server side (every message type byte + int32 length, after the one-byte answer to an
 * SSLRequest) and records ErrorResponse messages. Only used for figures, never gating.
 */
function replyCounter(stats: { errors: number; lastErrors: string[] }, sslRequested: { value: boolean }) {
  let sslAnswered = false;
  let buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (sslRequested.value && !sslAnswered) {
        if (buffer.length < 1) return;
        sslAnswered = true;
        buffer = buffer.subarray(1);
        continue;
      }
      if (buffer.length < 5) return;
      const len = buffer.readInt32BE(1);
      if (buffer.length < 1 + len) return;
      if (buffer[0] === 0x45 /* E: ErrorResponse */) {
        stats.errors += 1;
        const fields = new Map<string, string>();
        for (const field of buffer.subarray(5, 1 + len).toString("utf8").split("\0")) if (field) fields.set(field[0]!, field.slice(1));
        stats.lastErrors.push(`${fields.get("C") ?? "?"} ${fields.get("M") ?? ""}`);
        if (stats.lastErrors.length > 5) stats.lastErrors.shift();
      }
      buffer = buffer.subarray(1 + len);
    }
  };
}
