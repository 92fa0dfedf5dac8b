// Serves one PGlite database to many Postgres clients over TCP.
//
// Written here rather than using @electric-sql/pglite-socket's server: that multiplexer interleaves
// clients message by message, so under concurrency one client's Parse can replace another's unnamed
// prepared statement between its Parse and Bind ("unnamed prepared statement does not exist"). PGlite is
// a single session, so this server runs each client's messages up to a Sync (or a simple Query) as one
// uninterrupted batch, and keeps the session to one client for as long as that client has a transaction
// open — what separate backends guarantee on a real server.
//
// The price of one session is that a client's open transaction holds up everyone else. A healthy one is
// cut off after IDLE_IN_TRANSACTION_MS of keeping others waiting; a failed one ("current transaction is
// aborted", ReadyForQuery status 'E') can do nothing but roll back, so it gets FAILED_TRANSACTION_MS: a
// client that drops such a connection without ROLLBACK (an isolate stopped mid-alarm) must not stall the
// platform for seconds per victim.
import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** Messages after which a client waits for the server: the end of a batch. */
const BATCH_END = new Set(["S", "Q", "H", "X"]);
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/**
 * Where a session stands after its last batch: the ReadyForQuery status ('I' idle, 'T' in a transaction,
 * 'E' in a failed transaction), or 'open' when the batch ended without one (a Flush mid extended-protocol
 * exchange: the next messages, up to Sync, belong to the same exchange and may not interleave with others).
 */
type SessionState = "I" | "T" | "E" | "open";

interface Session {
  id: number;
  socket: net.Socket;
  buffer: Buffer;
  batch: Uint8Array[];
  started: boolean;
  closed: boolean;
  state: SessionState;
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
/** The same for a transaction already failed: all it can still do is roll back, which takes a round trip. */
const FAILED_TRANSACTION_MS = 1_000;
/** Stop gives a batch in flight (and the final rollback) this long; a shutdown must not hang on a statement. */
const STOP_GRACE_MS = 1_500;

export async function servePglite(
  db: PGlite,
  opts: { port?: number; idleInTransactionMs?: number; failedTransactionMs?: number } = {},
): Promise<PgliteServer> {
  let nextId = 1;
  const queue: Array<{ session: Session; messages: Uint8Array[] }> = [];
  let txOwner: Session | null = null;
  let running: Promise<void> | null = null;
  let idleTimer: NodeJS.Timeout | null = null;
  const sessions = new Set<Session>();
  const idleMs = opts.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS;
  const failedMs = opts.failedTransactionMs ?? FAILED_TRANSACTION_MS;

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
    // An extended-protocol exchange cut off before its Sync (after an error, the session skips everything
    // up to one) would swallow the next client's messages: end it first.
    if (txOwner?.state === "open") await db.runExclusive(() => db.execProtocolRawStream(SYNC, { onRawData: () => {} })).catch(() => {});
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
          idleTimer = setTimeout(
            () => {
              idleTimer = null;
              if (txOwner === owner && !queue.some((q) => q.session === owner)) owner.socket.destroy();
            },
            owner.state === "E" ? failedMs : idleMs,
          );
          idleTimer.unref();
        }
        return;
      }
      clearIdleTimer();
      const { session, messages } = queue.splice(i, 1)[0]!;
      if (session.closed) continue;
      let tail: Uint8Array = new Uint8Array(0);
      await db.runExclusive(async () => {
        for (const message of messages) {
          if (message[0] === 0x58 /* X: Terminate */) {
            session.socket.end();
            continue;
          }
          tail = new Uint8Array(0);
          await db.execProtocolRawStream(message, {
            onRawData: (data) => {
              tail = lastBytes(tail, data, 6);
              // A copy: PGlite hands out a view of a buffer it reuses for the next chunk, and a write the
              // kernel cannot take at once is queued by reference (large results arrived corrupted).
              if (session.socket.writable) session.socket.write(Buffer.from(data));
            },
          });
        }
      });
      session.state = stateAfter(messages[messages.length - 1], tail, db);
      txOwner = session.state === "I" ? null : session;
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
    const session: Session = { id: nextId++, socket, buffer: Buffer.alloc(0), batch: [], started: false, closed: false, state: "I" };
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
      // cut off mid-transaction would otherwise keep PGlite's close from completing. Both are bounded: a
      // statement that never returns must not keep the process from stopping (each commit is on disk).
      const grace = () => new Promise<void>((r) => setTimeout(r, STOP_GRACE_MS).unref());
      await Promise.race([running, grace()]);
      await Promise.race([rollback(), grace()]);
    },
  };
}

/** The last `n` bytes of `prev` followed by `data`. */
function lastBytes(prev: Uint8Array, data: Uint8Array, n: number): Uint8Array {
  if (data.length >= n) return data.slice(data.length - n);
  const joined = new Uint8Array(prev.length + data.length);
  joined.set(prev);
  joined.set(data, prev.length);
  return joined.slice(Math.max(0, joined.length - n));
}

/**
 * A batch ending in Sync or Query is answered last by ReadyForQuery ('Z', length 5, status), whose status
 * is the session's transaction state, failed or not. A batch ending in Flush leaves the exchange open.
 */
function stateAfter(last: Uint8Array | undefined, tail: Uint8Array, db: PGlite): SessionState {
  const type = last?.[0];
  if (type === 0x48 /* H: Flush */) return "open";
  if (tail.length === 6 && tail[0] === 0x5a /* Z */ && tail[1] === 0 && tail[2] === 0 && tail[3] === 0 && tail[4] === 5) {
    const status = String.fromCharCode(tail[5]!);
    if (status === "I" || status === "T" || status === "E") return status;
  }
  return db.isInTransaction() ? "T" : "I";
}
