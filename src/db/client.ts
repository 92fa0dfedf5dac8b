import { Client, neonConfig } from "@neondatabase/serverless";
import { sql, type SQL } from "drizzle-orm";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import { PgDialect } from "drizzle-orm/pg-core";
import type { AppConfig } from "../env";
import * as schema from "./schema";

export type Tx = Parameters<Parameters<NeonDatabase<typeof schema>["transaction"]>[0]>[0];

/** What a transaction may see: RLS policies read these settings, and with none set they see nothing. */
export interface DbScope {
  tenantId?: string;
  userId?: string;
  loginEmail?: string;
}

const APP_ROLE = "parley_app";
const dialect = new PgDialect();
let proxyConfigured: string | undefined;

function configureDriver(config: AppConfig) {
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
 * One request's database: a single Neon connection opened on first use and closed when the request
 * ends (Workers cannot share I/O objects between requests). All tenant work goes through `scoped`.
 */
export class Database {
  private client?: Client;
  private connecting?: Promise<NeonDatabase<typeof schema>>;

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
      return drizzle(client, { schema });
    })();
    return this.connecting;
  }

  /** Whether a connection is open (a long-lived holder such as a thread object reuses it). */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /**
   * One statement in one round trip, scoped like `scoped`: the scope settings and the statement go as
   * a single simple-protocol Query, which Postgres runs as one implicit transaction (so the
   * transaction-local settings hold for the statement and vanish with it). Parameters are inlined as
   * literals by Drizzle's dialect (standard-conforming strings: quotes doubled), which that protocol
   * needs. For hot single-statement writes; anything interactive uses `scoped`.
   */
  async oneTrip<R extends Record<string, unknown>>(scope: DbScope, statement: SQL): Promise<R[]> {
    await this.connect();
    const client = this.client!;
    const settings = dialect.sqlToQuery(
      sql`select set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${scope.tenantId ?? ""}, true),
        set_config('app.user_id', ${scope.userId ?? ""}, true), set_config('app.login_email', ${scope.loginEmail ?? ""}, true)`.inlineParams(),
    ).sql;
    const body = dialect.sqlToQuery(statement.inlineParams()).sql;
    const results = (await client.query(`${settings};\n${body}`)) as unknown as Array<{ rows: R[] }> | { rows: R[] };
    return Array.isArray(results) ? results.at(-1)!.rows : results.rows;
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
      await tx.execute(sql`select set_config('role', ${APP_ROLE}, true),
        set_config('app.tenant_id', ${scope.tenantId ?? ""}, true),
        set_config('app.user_id', ${scope.userId ?? ""}, true),
        set_config('app.login_email', ${scope.loginEmail ?? ""}, true)`);
      return fn(tx);
    });
  }

  /** One statement outside any transaction and tenant scope: only for SECURITY DEFINER entry points. */
  async execute(query: SQL): Promise<void> {
    const db = await this.connect();
    await db.execute(query);
  }

  async ping(): Promise<void> {
    const db = await this.connect();
    await db.execute(sql`select 1`);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    if (client) await client.end().catch(() => {});
  }
}
