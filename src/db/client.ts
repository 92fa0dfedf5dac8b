import { Client, neon, neonConfig, types } from "@neondatabase/serverless";
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import { drizzle as drizzleHttp, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import type { AppConfig } from "../env";
import type * as schema from "./schema";

export type Tx = Parameters<Parameters<NeonDatabase<typeof schema>["transaction"]>[0]>[0];
/** The query builder of the one-round-trip path: what `batch` builds its statements with. */
export type HttpDb = NeonHttpDatabase<typeof schema>;
/**
 * What a read of raw statements needs of its database: a transaction (`Tx`) gives it, and so does
 * `Database.reader`, which runs statements without holding a transaction open.
 */
export type SqlReader = Pick<Tx, "execute">;
/**
 * Either path's query builder (a transaction's, or the batch's): for statements built once and run on
 * both — reads, and writes awaited in a transaction or sent in a batch.
 */
export type ReadDb = PgDatabase<PgQueryResultHKT, typeof schema>;
/** Ids to read by: a list, or a subquery that selects them (so they ride in the same batch as the page). */
export type Ids = string[] | SQLWrapper;

/** What a transaction may see: RLS policies read these settings, and with none set they see nothing. */
export interface DbScope {
  tenantId?: string;
  userId?: string;
  loginEmail?: string;
}

const APP_ROLE = "parley_app";
let proxyConfigured: string | undefined;

/** The scope as transaction-local settings (`set_config(..., true)`): gone when the transaction ends. */
const scopeSettings = (scope: DbScope) => sql`select set_config('role', ${APP_ROLE}, true),
  set_config('app.tenant_id', ${scope.tenantId ?? ""}, true),
  set_config('app.user_id', ${scope.userId ?? ""}, true),
  set_config('app.login_email', ${scope.loginEmail ?? ""}, true)`;

/**
 * Drizzle maps these types from Postgres text itself. Its neon-http driver asks for that by changing
 * the driver's *global* type parsers, which would also change what every plain `Client` in the isolate
 * returns; instead each HTTP query carries its own parsers, and the global ones are put back.
 */
// timestamptz, timestamp, date, interval, and their arrays (the list drizzle-orm/neon-http sets).
const TEXT_MAPPED = new Set<number>([1184, 1114, 1082, 1186, 1231, 1115, 1185, 1187, 1182]);
const drizzleTypes = { getTypeParser: (oid: number, format?: "text" | "binary") => (TEXT_MAPPED.has(oid) ? (v: string) => v : types.getTypeParser(oid, format as "text")) };

/**
 * The HTTP query builder per connection string, for the isolate's life: unlike a WebSocket client it
 * holds no I/O object (each query is its own fetch), so requests may share it, and building it (Drizzle
 * walks its dialect and session set-up) once per request was measurable.
 */
const httpDbs = new Map<string, HttpDb>();

function httpDrizzle(connectionString: string): HttpDb {
  let db = httpDbs.get(connectionString);
  if (!db) {
    db = buildHttpDrizzle(connectionString);
    httpDbs.set(connectionString, db);
  }
  return db;
}

function buildHttpDrizzle(connectionString: string): HttpDb {
  const base = neon(connectionString);
  const query: typeof base.query = (text, params, opts) => base.query(text, params, { ...opts, types: drizzleTypes } as typeof opts);
  const client = Object.assign(query, { query, transaction: base.transaction, unsafe: base.unsafe }) as unknown as typeof base;
  const saved = [...TEXT_MAPPED].map((oid) => [oid, types.getTypeParser(oid, "text")] as const);
  try {
    // Without `schema`, as on the WebSocket path below: no relational queries here.
    return drizzleHttp(client) as unknown as HttpDb;
  } finally {
    for (const [oid, parse] of saved) types.setTypeParser(oid, "text", parse);
  }
}

function configureDriver(config: AppConfig) {
  // Locally the bridge also answers Neon's SQL-over-HTTP protocol; in production the driver derives the
  // endpoint from the connection string's host.
  if (config.DB_HTTP_ENDPOINT) neonConfig.fetchEndpoint = config.DB_HTTP_ENDPOINT;
  if (!config.DB_WS_PROXY || proxyConfigured === config.DB_WS_PROXY) return;
  // Locally a bridge plays Neon's WebSocket proxy, so the same driver path runs as in production.
  const proxy = config.DB_WS_PROXY;
  neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  proxyConfigured = proxy;
}

/**
 * One request's database, on two paths to Neon:
 * - HTTP (`batch`, `statements`, `oneTrip`, `execute`, `ping`): Neon's SQL-over-HTTP endpoint, each
 *   call one request carrying the scope settings and every statement as one non-interactive
 *   transaction. One round trip, nothing to set up: no socket, no TLS or Postgres start-up per request
 *   (the fetch rides the isolate's pooled HTTPS connections).
 * - WebSocket (`scoped`): a Neon connection opened on first use and closed when the request ends
 *   (Workers cannot share I/O objects between requests), for interactive transactions whose next
 *   statement depends on the last one's answer (locks, read-then-write).
 * Both set the same role and tenant settings per transaction, so RLS sees the same thing on either.
 */
export class Database {
  private client?: Client;
  private connecting?: Promise<NeonDatabase<typeof schema>>;
  private http?: HttpDb;

  /** `name` becomes the connection's application_name, so a server's statistics tell the paths apart. */
  constructor(
    private readonly config: AppConfig,
    private readonly name = "parley",
  ) {}

  private connect(): Promise<NeonDatabase<typeof schema>> {
    this.connecting ??= (async () => {
      configureDriver(this.config);
      const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: this.name });
      // A dropped socket surfaces on the next query; don't crash the isolate, and don't reuse it.
      const forget = () => {
        if (this.client === client) {
          this.client = undefined;
          this.connecting = undefined;
        }
      };
      client.on("error", forget);
      client.on("end", forget);
      try {
        await client.connect();
      } catch (err) {
        this.connecting = undefined;
        throw err;
      }
      this.client = client;
      // Without `schema`: Parley uses no relational queries (`db.query.*`), and given the schema Drizzle
      // rebuilds its relational config on every connection (3 % of the Worker isolate's time in a
      // `bench:brain --profile` run). The type keeps the schema for the query builder's inference.
      return drizzle(client) as unknown as NeonDatabase<typeof schema>;
    })();
    return this.connecting;
  }

  private httpDb(): HttpDb {
    if (!this.http) {
      configureDriver(this.config);
      // The name travels in the connection string (the HTTP endpoint has no startup message), so a
      // server's statistics tell the paths apart here too.
      const url = new URL(this.config.DATABASE_URL);
      url.searchParams.set("application_name", this.name);
      this.http = httpDrizzle(url.toString());
    }
    return this.http;
  }

  /** Whether a WebSocket connection is open (only `scoped` opens one). */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /**
   * Statements built with Drizzle, run with the scope in one round trip: the scope settings first, then
   * each statement in order, as one non-interactive transaction (all or nothing; in READ COMMITTED each
   * statement sees what the ones before it did, and what others committed meanwhile). Results come
   * back one per statement, typed as Drizzle types them. For reads and writes that need no answer in
   * between; a statement can still depend on an earlier one through SQL (a transaction-local setting,
   * a `where exists`), just not through code.
   *
   * @example
   *   const [[user]] = await db.batch(scope, (q) => [q.select().from(users).where(eq(users.id, id))] as const);
   */
  async batch<T extends readonly [BatchItem<"pg">, ...BatchItem<"pg">[]]>(scope: DbScope, build: (db: HttpDb) => T): Promise<BatchResponse<T>> {
    const db = this.httpDb();
    const items = build(db);
    const results = await db.batch([db.execute(scopeSettings(scope)), ...items] as unknown as readonly [BatchItem<"pg">, ...BatchItem<"pg">[]]);
    return results.slice(1) as unknown as BatchResponse<T>;
  }

  /** Raw statements (as `oneTrip`'s), run like `batch`: the rows of each, in order. */
  async statements(scope: DbScope, statements: SQL[]): Promise<Array<Array<Record<string, unknown>>>> {
    if (statements.length === 0) return [];
    const db = this.httpDb();
    const results = await db.batch([db.execute(scopeSettings(scope)), ...statements.map((s) => db.execute(s))] as unknown as readonly [BatchItem<"pg">, ...BatchItem<"pg">[]]);
    return (results.slice(1) as unknown as Array<{ rows: Array<Record<string, unknown>> }>).map((r) => r.rows);
  }

  /**
   * One statement in one round trip, scoped like `scoped`: the scope settings and the statement go as
   * one transaction over HTTP (so the transaction-local settings hold for the statement and vanish
   * with it). For hot single-statement writes; anything interactive uses `scoped`.
   */
  /**
   * Raw reads scoped like `scoped`, without a transaction held open across them (and across whatever the
   * caller awaits in between, which would cost a connection and its round trips): for a read of several
   * statements that need no common snapshot. Statements asked for in the same turn of the event loop
   * (reads running side by side) go together as one `statements` batch, one round trip; a statement
   * that fails fails the others of its batch too.
   */
  reader(scope: DbScope): SqlReader {
    type Pending = { query: SQL; resolve: (r: { rows: Array<Record<string, unknown>> }) => void; reject: (err: unknown) => void };
    let pending: Pending[] = [];
    const flush = () => {
      const batch = pending;
      pending = [];
      this.statements(
        scope,
        batch.map((p) => p.query),
      ).then(
        (results) => {
          for (const [i, p] of batch.entries()) p.resolve({ rows: results[i] ?? [] });
        },
        (err: unknown) => {
          for (const p of batch) p.reject(err);
        },
      );
    };
    // Callers read `rows` only, which is all a batch's result carries.
    const execute = (query: SQL) =>
      new Promise<{ rows: Array<Record<string, unknown>> }>((resolve, reject) => {
        if (pending.length === 0) setTimeout(flush, 0);
        pending.push({ query, resolve, reject });
      });
    return { execute } as unknown as SqlReader;
  }

  async oneTrip<R extends Record<string, unknown>>(scope: DbScope, statement: SQL): Promise<R[]> {
    const [rows] = await this.statements(scope, [statement]);
    return rows as R[];
  }

  /**
   * Runs `fn` in one transaction as the app role with the given scope set transaction-locally
   * (`set_config(..., true)`), so nothing leaks to the next transaction on the connection.
   * Setting `role` through set_config is `SET LOCAL ROLE`: needed locally, where PGlite connects as
   * superuser; harmless on Neon, where the app logs in as that role already.
   */
  async scoped<T>(scope: DbScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const db = await this.connect();
    return db.transaction(async (tx) => {
      await tx.execute(scopeSettings(scope));
      return fn(tx);
    });
  }

  /** One statement outside any transaction and tenant scope: only for SECURITY DEFINER entry points. */
  async execute(query: SQL): Promise<void> {
    await this.httpDb().execute(query);
  }

  async ping(): Promise<void> {
    await this.httpDb().execute(sql`select 1`);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    if (client) await client.end().catch(() => {});
  }
}
