// Embedded PostgreSQL for local runs and tests: PGlite (Postgres compiled to WASM) served over the
// Postgres wire protocol, so every client — drizzle-kit, node-postgres, and the Neon driver inside
// workerd — talks to it exactly as it would to a real server.
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  /** Connection string for the superuser (owner) connection. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: { dataDir?: string; port?: number } = {}): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(opts.dataDir ? { dataDir: opts.dataDir } : {});
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: opts.port ?? 0,
    // PGlite is one session; the socket server multiplexes client connections onto it and keeps an open
    // transaction pinned to the connection that began it. Workers open one connection per request, so
    // the default of 1 would serialise (and time out) concurrent requests.
    maxConnections: 64,
  });
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
