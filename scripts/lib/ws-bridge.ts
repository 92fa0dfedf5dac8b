// A WebSocket-to-TCP bridge: the Neon serverless driver speaks the Postgres protocol over a WebSocket,
// which Neon's proxy turns into TCP. Locally this bridge plays that proxy, so the Worker reaches the
// embedded (or any local) Postgres through the very driver path it uses against Neon in production.
import net from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface WsBridge {
  port: number;
  /** What clients sent: statements (Query + Execute) and round trips (Query + Sync), for benchmarks. */
  stats: { connections: number; statements: number; roundTrips: number };
  stop(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export async function startWsBridge(opts: { port?: number } = {}): Promise<WsBridge> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: opts.port ?? 0, perMessageDeflate: false });
  const stats = { connections: 0, statements: 0, roundTrips: 0 };
  wss.on("connection", (ws: WebSocket, req) => {
    stats.connections += 1;
    const count = protocolCounter(stats);
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
    const pending: Buffer[] = [];
    let open = false;
    socket.on("connect", () => {
      open = true;
      for (const chunk of pending) socket.write(chunk);
      pending.length = 0;
    });
    ws.on("message", (data: Buffer) => {
      count(data);
      if (open) socket.write(data);
      else pending.push(data);
      // A real Postgres closes the connection after the client's Terminate message; PGlite's socket
      // server does not, and the driver's end() would wait forever. Close it the way Postgres would.
      if (endsWithTerminate(data)) {
        socket.end();
      }
    });
    socket.on("data", (data) => ws.readyState === ws.OPEN && ws.send(data));
    socket.on("close", () => ws.close());
    socket.on("error", () => ws.close());
    ws.on("close", () => socket.destroy());
    ws.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });
  const address = wss.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    stats,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

function endsWithTerminate(data: Buffer): boolean {
  return data.length >= TERMINATE.length && data.subarray(data.length - TERMINATE.length).equals(TERMINATE);
}

/**
 * Follows the client side of the Postgres protocol (after the untyped startup message, every message is
 * type byte + int32 length) and counts Query/Execute/Sync messages. Only used for figures, never gating.
 */
function protocolCounter(stats: { statements: number; roundTrips: number }) {
  let started = false;
  let buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (!started) {
        if (buffer.length < 8) return;
        const len = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (buffer.length < len) return;
        buffer = buffer.subarray(len);
        if (code !== 80877103) started = true; // an SSLRequest is followed by the real startup message
        continue;
      }
      if (buffer.length < 5) return;
      const len = buffer.readInt32BE(1);
      if (buffer.length < 1 + len) return;
      const type = String.fromCharCode(buffer[0]!);
      if (type === "Q") {
        stats.statements += 1;
        stats.roundTrips += 1;
      } else if (type === "E") stats.statements += 1;
      else if (type === "S") stats.roundTrips += 1;
      buffer = buffer.subarray(1 + len);
    }
  };
}
