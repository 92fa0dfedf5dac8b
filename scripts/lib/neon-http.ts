// The local stand-in for Neon's SQL-over-HTTP endpoint (`POST /sql`), which the Neon driver's `neon()`
// query function speaks: one statement per request, or a batch run as one non-interactive transaction.
// Served by the same bridge that plays Neon's WebSocket proxy, in front of the embedded (or any local)
// Postgres, so the Worker's HTTP path runs here exactly as in production, driver and all.
//
// Protocol (what @neondatabase/serverless sends and expects):
// - body `{ query, params }` or `{ queries: [{ query, params }, ...] }`; params are text (or null), as the
//   driver prepares them
// - headers `Neon-Connection-String` (which database, as whom), `Neon-Raw-Text-Output: true` and
//   `Neon-Array-Mode: true` (values as Postgres text, rows as arrays: the driver parses them), and for a
//   batch `Neon-Batch-Isolation-Level` (ReadUncommitted | ReadCommitted | RepeatableRead | Serializable),
//   `Neon-Batch-Read-Only`, `Neon-Batch-Deferrable`
// - 200 with `{ command, rowCount, rows, fields, rowAsArray }`, or `{ results: [...] }` for a batch
// - a statement Postgres refused: 400 with the error's fields (`message`, `code`, `detail`, `hint`,
//   `position`, `constraint`, ...), which the driver copies onto its NeonDbError as they came; the whole
//   batch is rolled back
// - anything else (bad request, database unreachable): a non-400 status with a text body
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";
import { serialize } from "pg-protocol";
import type { BackendMessage, CommandCompleteMessage, DataRowMessage, RowDescriptionMessage } from "pg-protocol/dist/messages.js";
import { Parser } from "pg-protocol/dist/parser.js";
import { inProcessServer, type PgliteServer } from "./pglite-server.ts";

const ISOLATION: Record<string, string> = {
  ReadUncommitted: "read uncommitted",
  ReadCommitted: "read committed",
  RepeatableRead: "repeatable read",
  Serializable: "serializable",
};
/** The fields of a Postgres error Neon returns (the driver reads exactly these). */
const ERROR_FIELDS = ["severity", "code", "detail", "hint", "position", "internalPosition", "internalQuery", "where", "schema", "table", "column", "dataType", "constraint", "file", "line", "routine"] as const;
/** A request body larger than this is refused (Neon caps requests too); a batch of reads is far smaller. */
const MAX_BODY = 10 * 1024 * 1024;
/** Connections kept per database: a pool, as Neon's HTTP endpoint keeps behind it. */
const POOL_SIZE = 8;

export interface NeonHttpStats {
  /** HTTP requests answered (each one round trip, whatever it carried). */
  httpRequests: number;
  statements: number;
  errors: number;
  lastErrors: string[];
  byApplication: Record<string, { statements: number; connections: number; httpRequests?: number }>;
}

interface Query {
  query: string;
  params: unknown[];
}

class BadRequest extends Error {}

const sqlState = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/** Never the statement or its values in a reply or a log: they carry customers' data. */
function parseBody(raw: string): { batch: boolean; queries: Query[] } {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new BadRequest("request body is not JSON");
  }
  const one = (q: unknown): Query => {
    const { query, params = [] } = (q ?? {}) as { query?: unknown; params?: unknown };
    if (typeof query !== "string" || !Array.isArray(params)) throw new BadRequest("each query needs a string `query` and an array `params`");
    if (params.some((p) => p !== null && typeof p !== "string" && typeof p !== "number" && typeof p !== "boolean")) throw new BadRequest("params must be text or null");
    return { query, params: params.map((p) => (p === null ? null : String(p))) };
  };
  if (body && typeof body === "object" && "queries" in body) {
    const queries = (body as { queries: unknown }).queries;
    if (!Array.isArray(queries)) throw new BadRequest("`queries` must be an array");
    return { batch: true, queries: queries.map(one) };
  }
  return { batch: false, queries: [one(body)] };
}

/** Values stay Postgres text (the driver parses them by type id), as `Neon-Raw-Text-Output` asks. */
const rawText = { getTypeParser: () => (value: string) => value };

function toNeonResult(r: pg.QueryResult<unknown[]>) {
  return {
    command: r.command,
    rowCount: r.rowCount ?? 0,
    rows: r.rows,
    fields: neonFields(r.fields),
    rowAsArray: true,
  };
}

/** A result's columns as Neon describes them (node-postgres and the protocol parser name them alike). */
function neonFields(fields: ReadonlyArray<{ name: string; tableID: number; columnID: number; dataTypeID: number; dataTypeSize: number; dataTypeModifier: number; format?: string }>) {
  return fields.map((f) => ({
    name: f.name,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeID: f.dataTypeID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
    format: f.format ?? "text",
  }));
}

/** A batch's `BEGIN` options from its headers (" isolation level …", " read only", " deferrable"). */
function batchMode(headers: IncomingMessage["headers"]): string {
  const level = headers["neon-batch-isolation-level"];
  if (level !== undefined && !ISOLATION[String(level)]) throw new BadRequest("unknown Neon-Batch-Isolation-Level");
  return [
    level !== undefined ? ` isolation level ${ISOLATION[String(level)]}` : "",
    headers["neon-batch-read-only"] === "true" ? " read only" : "",
    headers["neon-batch-deferrable"] === "true" ? " deferrable" : "",
  ].join("");
}

/**
 * The server's answer to a run of extended-protocol statements, read with the client library's own
 * protocol parser: one Neon result per statement that completed, the first error, and the transaction
 * status of the final ReadyForQuery.
 */
function decode(answer: Buffer): { results: ReturnType<typeof neonResult>[]; error?: Error; status: string } {
  const results: ReturnType<typeof neonResult>[] = [];
  let fields: RowDescriptionMessage["fields"] = [];
  let rows: unknown[][] = [];
  let error: Error | undefined;
  let status = "?";
  new Parser().parse(answer, (msg: BackendMessage) => {
    switch (msg.name) {
      case "rowDescription":
        fields = (msg as RowDescriptionMessage).fields;
        break;
      case "dataRow":
        rows.push((msg as DataRowMessage).fields);
        break;
      case "commandComplete":
      case "emptyQuery":
        results.push(neonResult(msg.name === "commandComplete" ? (msg as CommandCompleteMessage).text : "", fields, rows));
        fields = [];
        rows = [];
        break;
      case "error":
        error ??= msg as unknown as Error;
        break;
      case "readyForQuery":
        status = (msg as unknown as { status: string }).status;
        break;
    }
  });
  return { results, error, status };
}

/** What node-postgres makes of a CommandComplete tag ("INSERT 0 1", "SELECT 3", "BEGIN"), as Neon answers it. */
function neonResult(tag: string, fields: RowDescriptionMessage["fields"], rows: unknown[][]) {
  const m = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/.exec(tag);
  const count = m?.[3] ?? m?.[2];
  return {
    command: m?.[1] ?? "",
    rowCount: count === undefined ? 0 : Number(count),
    rows,
    fields: neonFields(fields),
    rowAsArray: true,
  };
}

function neonError(err: unknown) {
  const e = err as Record<string, unknown> & { message?: string };
  const out: Record<string, unknown> = { message: e.message ?? "error" };
  for (const k of ERROR_FIELDS) if (e[k] !== undefined) out[k] = e[k];
  return out;
}

/** Statements prepared at most, per embedded database; the least recently used is closed beyond it. */
const PREPARED_MAX = 1_000;

/**
 * The named prepared statements of an embedded database's one session, by statement text, least
 * recently used first. Only the in-process path uses them, always with the session to itself, so no one
 * else's Parse can interleave. A statement that does not parse is not cached: it goes unnamed, in its
 * place in the batch, and fails there as it would have.
 */
class PreparedStatements {
  private names = new Map<string, string>();
  private next = 1;

  /** A name for each text (parsing those new to the session), or undefined for a text that did not parse. */
  async namesFor(texts: string[], exec: (messages: Uint8Array) => Promise<Buffer>): Promise<Array<string | undefined>> {
    const fresh = [...new Set(texts.filter((t) => !this.names.has(t)))];
    if (fresh.length > 0) {
      const parts: Buffer[] = [];
      // Make room first; a statement in this batch is never the one closed (it is used again below).
      const batchTexts = new Set(texts);
      for (const [text, name] of this.names) {
        if (this.names.size + fresh.length <= PREPARED_MAX) break;
        if (batchTexts.has(text)) continue;
        parts.push(serialize.close({ type: "S", name }));
        this.names.delete(text);
      }
      const names = fresh.map(() => `parley_http_${this.next++}`);
      for (const [i, text] of fresh.entries()) parts.push(serialize.parse({ name: names[i], text }));
      parts.push(serialize.sync());
      // Parses complete in order, and after the first refusal the rest are skipped up to the Sync.
      let parsed = 0;
      new Parser().parse(await exec(Buffer.concat(parts)), (msg: BackendMessage) => {
        if (msg.name === "parseComplete") parsed += 1;
      });
      for (let i = 0; i < parsed; i++) this.names.set(fresh[i]!, names[i]!);
    }
    return texts.map((text) => {
      const name = this.names.get(text);
      if (name !== undefined) {
        // Most recently used last.
        this.names.delete(text);
        this.names.set(text, name);
      }
      return name;
    });
  }

  /** An error that says a cached statement can no longer be used as it is (see runInProcess). */
  isStale(err: Error): boolean {
    const code = sqlState(err);
    return code === "26000" || (code === "0A000" && /cached plan/.test(err.message));
  }

  async reset(exec: (messages: Uint8Array) => Promise<Buffer>) {
    this.names.clear();
    await exec(serialize.query("deallocate all"));
  }
}

const preparedByServer = new WeakMap<PgliteServer, PreparedStatements>();
const preparedOf = (server: PgliteServer): PreparedStatements => {
  let p = preparedByServer.get(server);
  if (!p) preparedByServer.set(server, (p = new PreparedStatements()));
  return p;
};

export interface NeonHttpEndpoint {
  handle(req: IncomingMessage, res: ServerResponse): void;
  stats: NeonHttpStats;
  close(): Promise<void>;
}

/**
 * `allowed(host, port)` says which servers the endpoint may reach (the bridge: loopback only);
 * `delay()` is the simulated one-way distance; `down()` makes the database unreachable.
 */
export function neonHttpEndpoint(opts: { allowed: (host: string, port: number) => boolean; delay: () => number; down: () => boolean; stats: NeonHttpStats }): NeonHttpEndpoint {
  const stats = opts.stats;
  const pools = new Map<string, pg.Pool>();
  const wait = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

  const poolFor = (connectionString: string): { pool: pg.Pool; app: string; port: number } => {
    let url: URL;
    try {
      url = new URL(connectionString);
    } catch {
      throw new BadRequest("Neon-Connection-String is not a connection string");
    }
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new BadRequest("Neon-Connection-String must be a postgres:// URL");
    const port = Number(url.port || 5432);
    if (!opts.allowed(url.hostname, port)) throw new BadRequest("this endpoint forwards to loopback only");
    const app = url.searchParams.get("application_name") || "(unnamed)";
    let pool = pools.get(connectionString);
    if (!pool) {
      // The driver adds its own parameters to the URL; the server needs only who and where.
      const target = new URL(url);
      target.search = "";
      pool = new pg.Pool({ connectionString: target.toString(), max: POOL_SIZE, application_name: app, idleTimeoutMillis: 30_000 });
      pool.on("error", () => {}); // an idle connection the server dropped: the pool replaces it
      pool.on("connect", () => {
        (stats.byApplication[app] ??= { statements: 0, connections: 0 }).connections += 1;
      });
      pools.set(connectionString, pool);
    }
    return { pool, app, port };
  };

  const run = async (pool: pg.Pool, batch: boolean, queries: Query[], headers: IncomingMessage["headers"]) => {
    const client = await pool.connect();
    let broken = false;
    try {
      if (!batch) return toNeonResult(await client.query({ text: queries[0]!.query, values: queries[0]!.params, rowMode: "array", types: rawText }));
      await client.query(`begin${batchMode(headers)}`);
      try {
        const results = [];
        for (const q of queries) results.push(toNeonResult(await client.query({ text: q.query, values: q.params, rowMode: "array", types: rawText })));
        await client.query("commit");
        return { results };
      } catch (err) {
        await client.query("rollback").catch(() => {
          broken = true;
        });
        throw err;
      }
    } catch (err) {
      if (!(err instanceof BadRequest) && !sqlState(err)) broken = true;
      throw err;
    } finally {
      client.release(broken);
    }
  };

  /**
   * The same request against the embedded database of this process, without the TCP hop and the client
   * library: the whole batch goes to the server as one run of protocol messages (BEGIN, then Bind,
   * Describe, Execute for each statement and COMMIT, then one Sync), with the session to itself for the
   * duration, as a pooled connection would be. After an error the server skips everything up to the
   * Sync, so nothing after the failed statement runs, and the transaction is rolled back.
   *
   * Each statement text is parsed once, as a named prepared statement of the embedded database's one
   * session (see PreparedStatements), and later requests only bind it: in Postgres compiled to WASM,
   * parsing, analysing and planning the Worker's larger statements cost more than running them on a
   * workspace's few rows. Postgres itself keeps each plan valid (it re-plans after DDL, or for another
   * role, as row security needs), so what a statement sees and may do is what it would be unprepared.
   */
  const runInProcess = (server: PgliteServer, batch: boolean, queries: Query[], headers: IncomingMessage["headers"]) => {
    const mode = batch ? batchMode(headers) : "";
    const texts = [...(batch ? [`begin${mode}`] : []), ...queries.map((q) => q.query), ...(batch ? ["commit"] : [])];
    const values = [...(batch ? [[]] : []), ...queries.map((q) => q.params), ...(batch ? [[]] : [])];
    const prepared = preparedOf(server);
    return server.exclusive(async (exec) => {
      const attempt = async (names: Array<string | undefined>) => {
        const parts: Buffer[] = [];
        texts.forEach((text, i) => {
          const name = names[i];
          if (name === undefined) parts.push(serialize.parse({ text }));
          parts.push(serialize.bind({ statement: name ?? "", values: values[i] }), serialize.describe({ type: "P" }), serialize.execute());
        });
        parts.push(serialize.sync());
        const replies = decode(await exec(Buffer.concat(parts)));
        if (replies.status !== "I") await exec(serialize.query("rollback"));
        return replies;
      };
      let replies = await attempt(await prepared.namesFor(texts, exec));
      // A prepared statement this cache did not expect to be gone (a client deallocated it), or one whose
      // result columns a migration changed: forget them all, and run the batch again unprepared (nothing
      // of the first attempt stays: up to its Sync it was one transaction, and the error rolled it back).
      if (replies.error && prepared.isStale(replies.error)) {
        await prepared.reset(exec);
        replies = await attempt(texts.map(() => undefined));
      }
      if (replies.error) throw replies.error;
      const results = batch ? replies.results.slice(1, -1) : replies.results;
      if (results.length !== queries.length) throw new Error("the embedded database answered out of step");
      return batch ? { results } : results[0]!;
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on("end", () => {
      void (async () => {
        const reply = async (status: number, body: unknown) => {
          // The answer travels back across the same distance.
          await wait(opts.delay());
          if (res.destroyed) return;
          const text = typeof body === "string" ? body : JSON.stringify(body);
          res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json" });
          res.end(text);
        };
        await wait(opts.delay());
        stats.httpRequests += 1;
        if (opts.down()) {
          // What a client sees of an unreachable endpoint: the connection drops, no answer.
          res.destroy();
          return;
        }
        if (req.method !== "POST") return reply(405, "use POST");
        if (tooLarge) return reply(413, "request too large");
        const connectionString = req.headers["neon-connection-string"];
        if (typeof connectionString !== "string") return reply(400, { message: "missing Neon-Connection-String header" });
        let parsed: ReturnType<typeof parseBody>;
        let target: ReturnType<typeof poolFor>;
        try {
          parsed = parseBody(Buffer.concat(chunks).toString("utf8"));
          target = poolFor(connectionString);
        } catch (err) {
          return reply(400, { message: (err as Error).message });
        }
        stats.statements += parsed.queries.length;
        const byApp = (stats.byApplication[target.app] ??= { statements: 0, connections: 0 });
        byApp.statements += parsed.queries.length;
        byApp.httpRequests = (byApp.httpRequests ?? 0) + 1;
        try {
          const local = inProcessServer(target.port);
          return reply(200, await (local ? runInProcess(local, parsed.batch, parsed.queries, req.headers) : run(target.pool, parsed.batch, parsed.queries, req.headers)));
        } catch (err) {
          if (err instanceof BadRequest) return reply(400, { message: err.message });
          const code = sqlState(err);
          if (code) {
            stats.errors += 1;
            stats.lastErrors.push(`${code} ${(err as Error).message}`);
            if (stats.lastErrors.length > 5) stats.lastErrors.shift();
            return reply(400, neonError(err));
          }
          // The server could not be reached or dropped the connection: no SQLSTATE, like Neon's 5xx.
          return reply(503, `database unavailable: ${(err as Error).message ?? "error"}`);
        }
      })();
    });
    req.on("error", () => res.destroy());
  };

  return {
    handle,
    stats,
    async close() {
      await Promise.all([...pools.values()].map((p) => p.end().catch(() => {})));
      pools.clear();
    },
  };
}
