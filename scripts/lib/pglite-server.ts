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
  /**
   * Runs `fn` in this process with the session to itself, as a client of its own: it waits until no
   * client holds a transaction, and nothing else runs until it is done. `exec` runs raw protocol
   * messages (several at once) and answers everything the server wrote back. `fn` must leave the
   * session outside any transaction. The SQL-over-HTTP stand-in uses it to skip a TCP hop and a client
   * library's framing per statement when the database is this embedded one (see neon-http.ts).
   */
  exclusive<T>(fn: (exec: (messages: Uint8Array) => Promise<Buffer>) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/** Servers of this process by port, for a stand-in that may reach its database without TCP. */
const inProcess = new Map<number, PgliteServer>();
export const inProcessServer = (port: number): PgliteServer | undefined => inProcess.get(port);

/** Collects a statement's output (PGlite hands it out in chunks) into one buffer, for one socket write. */
class Output {
  private buf = Buffer.allocUnsafe(16 * 1024);
  length = 0;
  /** Copies: PGlite hands out a view of a buffer it reuses for the next chunk. */
  push(data: Uint8Array) {
    if (this.length + data.length > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + data.length));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    this.buf.set(data, this.length);
    this.length += data.length;
  }
  /** A buffer of its own (the next batch's output must not overwrite one a socket may still queue). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.length));
    this.length = 0;
    return out;
  }
  /** The last `n` bytes written. */
  tail(n: number): Uint8Array {
    return this.buf.subarray(Math.max(0, this.length - n), this.length);
  }
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
  // A client's batch, or a job of this process's own (`exclusive`), which runs only when no client
  // holds a transaction.
  type Entry = { session: Session; messages: Uint8Array[] } | { session: null; job: () => Promise<void>; cancel: () => void };
  const queue: Entry[] = [];
  const output = new Output();
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
      const entry = queue.splice(i, 1)[0]!;
      if (entry.session === null) {
        await entry.job();
        continue;
      }
      const { session, messages } = entry;
      if (session.closed) continue;
      let tail: Uint8Array = new Uint8Array(0);
      await db.runExclusive(async () => {
        // The batch's messages in one call (PGlite's main loop reads them in turn) and its whole answer in
        // one socket write: per message and per chunk, the calls and syscalls cost more than the work.
        const terminate = messages.findIndex((m) => m[0] === 0x58 /* X: Terminate */);
        const run = terminate < 0 ? messages : messages.slice(0, terminate);
        if (run.length > 0) {
          await db.execProtocolRawStream(run.length === 1 ? run[0]! : Buffer.concat(run), { onRawData: (data) => output.push(data) });
          tail = Uint8Array.from(output.tail(6));
          // Its own buffer: a write the kernel cannot take at once is queued by reference.
          const answer = output.take();
          if (session.socket.writable && answer.length > 0) session.socket.write(answer);
        }
        if (terminate >= 0) session.socket.end();
      });
      session.state = stateAfter(messages[messages.length - 1], tail, db);
      txOwner = session.state === "I" ? null : session;
    }
  }

  function exclusive<T>(fn: (exec: (messages: Uint8Array) => Promise<Buffer>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const exec = (messages: Uint8Array) =>
        db.runExclusive(async () => {
          await db.execProtocolRawStream(messages, { onRawData: (data) => output.push(data) });
          return output.take();
        });
      queue.push({
        session: null,
        job: async () => {
          try {
            resolve(await fn(exec));
          } catch (err) {
            reject(err);
          }
          // A job that failed half-way must not leave the one session in a transaction for the next.
          if (db.isInTransaction()) await db.exec("ROLLBACK").catch(() => {});
        },
        cancel: () => reject(new Error("the embedded database is stopping")),
      });
      void run();
    });
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
  const port = typeof address === "object" && address ? address.port : 0;
  const served: PgliteServer = {
    port,
    exclusive,
    async stop() {
      inProcess.delete(port);
      clearIdleTimer();
      for (const entry of queue) if (entry.session === null) entry.cancel();
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
  inProcess.set(port, served);
  return served;
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
