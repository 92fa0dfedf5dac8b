// Serves one PGlite database to many Postgres clients over TCP.
//
// Written here rather than using @electric-sql/pglite-socket's server: that multiplexer interleaves
// clients message by message, so under concurrency one client's Parse can replace another's unnamed
// prepared statement between its Parse and Bind ("unnamed prepared statement does not exist"). PGlite is
// a single session, so this server runs each client's messages up to a Sync (or a simple Query) as one
// uninterrupted batch, and keeps the session to one client for as long as that client has a transaction
// open — what separate backends guarantee on a real server.
import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** Messages after which a client waits for the server: the end of a batch. */
const BATCH_END = new Set(["S", "Q", "H", "X"]);

interface Session {
  id: number;
  socket: net.Socket;
  buffer: Buffer;
  batch: Uint8Array[];
  started: boolean;
  closed: boolean;
}

export interface PgliteServer {
  port: number;
  stop(): Promise<void>;
}

/**
 * A client holding a transaction open while others wait, with nothing of its own queued, for this long
 * is cut off (and rolled back), as `idle_in_transaction_session_timeout` would on a real server. Without
 * it one stuck client (a test that timed out mid-transaction) would stall every other client forever.
 */
const IDLE_IN_TRANSACTION_MS = 10_000;

export async function servePglite(
  db: PGlite,
  opts: { port?: number; idleInTransactionMs?: number } = {},
): Promise<PgliteServer> {
  let nextId = 1;
  const queue: Array<{ session: Session; messages: Uint8Array[] }> = [];
  let txOwner: Session | null = null;
  let running: Promise<void> | null = null;
  let idleTimer: NodeJS.Timeout | null = null;
  const sessions = new Set<Session>();
  const idleMs = opts.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS;

  function clearIdleTimer() {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
  }

  /**
   * Rolls back the single session's open transaction. Called only from the run loop (or once it has
   * stopped), never inside `db.runExclusive`: `exec` takes PGlite's query lock itself, so nesting the two
   * would wait on itself forever.
   */
  async function rollback() {
    if (db.isInTransaction()) await db.exec("ROLLBACK").catch(() => {});
    txOwner = null;
  }

  function run(): Promise<void> {
    running ??= loop().finally(() => {
      running = null;
      // Work queued between the loop's last look and here must not wait for the next client message.
      if (txOwner?.closed || queue.some((q) => !txOwner || q.session === txOwner)) void run();
    });
    return running;
  }

  async function loop() {
    for (;;) {
      // A client that vanished mid-transaction: roll it back, as a backend would on disconnect.
      if (txOwner?.closed) await rollback();
      // While a client holds a transaction, only its batches may run.
      const i = txOwner ? queue.findIndex((q) => q.session === txOwner) : 0;
      if (i < 0 || queue.length === 0) {
        if (i < 0 && queue.length > 0 && !idleTimer) {
          const owner = txOwner!;
          idleTimer = setTimeout(() => {
            idleTimer = null;
            if (txOwner === owner && !queue.some((q) => q.session === owner)) owner.socket.destroy();
          }, idleMs);
          idleTimer.unref();
        }
        return;
      }
      clearIdleTimer();
      const { session, messages } = queue.splice(i, 1)[0]!;
      if (session.closed) continue;
      await db.runExclusive(async () => {
        for (const message of messages) {
          if (message[0] === 0x58 /* X: Terminate */) {
            session.socket.end();
            continue;
          }
          await db.execProtocolRawStream(message, { onRawData: (data) => session.socket.writable && session.socket.write(data) });
        }
      });
      txOwner = db.isInTransaction() ? session : null;
    }
  }

  function enqueue(session: Session, messages: Uint8Array[]) {
    queue.push({ session, messages });
    void run().catch((err) => {
      session.socket.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  }

  function onData(session: Session, chunk: Buffer) {
    session.buffer = Buffer.concat([session.buffer, chunk]);
    for (;;) {
      const buf = session.buffer;
      if (!session.started) {
        if (buf.length < 8) return;
        const len = buf.readInt32BE(0);
        const code = buf.readInt32BE(4);
        if (buf.length < len) return;
        session.buffer = buf.subarray(len);
        if (code === SSL_REQUEST) {
          session.socket.write("N"); // no TLS on loopback; the client continues in clear
        } else if (code === CANCEL_REQUEST) {
          session.socket.end();
          return;
        } else if (code === PROTOCOL_3) {
          session.started = true;
          enqueue(session, [new Uint8Array(buf.subarray(0, len))]);
        } else {
          session.socket.destroy();
          return;
        }
        continue;
      }
      if (buf.length < 5) return;
      const len = buf.readInt32BE(1);
      if (buf.length < 1 + len) return;
      const message = new Uint8Array(buf.subarray(0, 1 + len));
      session.buffer = buf.subarray(1 + len);
      session.batch.push(message);
      if (BATCH_END.has(String.fromCharCode(message[0]!))) {
        enqueue(session, session.batch);
        session.batch = [];
      }
    }
  }

  async function onClose(session: Session) {
    if (session.closed) return;
    session.closed = true;
    sessions.delete(session);
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.session === session) queue.splice(i, 1);
    // The run loop rolls back its transaction, if it held one, before serving anyone else.
    void run();
  }

  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const session: Session = { id: nextId++, socket, buffer: Buffer.alloc(0), batch: [], started: false, closed: false };
    sessions.add(session);
    socket.on("data", (chunk: Buffer) => onData(session, chunk));
    socket.on("close", () => void onClose(session));
    socket.on("error", () => void onClose(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    async stop() {
      clearIdleTimer();
      queue.length = 0;
      for (const s of sessions) s.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Let a batch in flight finish, then leave the single session outside any transaction: a client
      // cut off mid-transaction would otherwise keep PGlite's close from completing.
      await running;
      await rollback();
    },
  };
}
