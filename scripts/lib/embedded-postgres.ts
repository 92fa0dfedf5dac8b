// Embedded PostgreSQL for local runs and tests: PGlite (Postgres compiled to WASM) served over the
// Postgres wire protocol, so every client — drizzle-kit, node-postgres, and the Neon driver inside
// workerd — talks to it exactly as it would to a real server.
import { PGlite } from "@electric-sql/pglite";
import { servePglite } from "./pglite-server.ts";

export interface EmbeddedPostgres {
  /** Connection string for the superuser (owner) connection. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: { dataDir?: string; port?: number } = {}): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(opts.dataDir ? { dataDir: opts.dataDir } : {});
  const server = await servePglite(db, { port: opts.port });
  return {
    url: `postgres://postgres@127.0.0.1:${server.port}/postgres`,
    port: server.port,
    async stop() {
      await server.stop();
      // Each commit is already on disk; a close stuck behind a statement cut off mid-flight must not hang
      // the shutdown.
      await Promise.race([db.close(), new Promise((r) => setTimeout(r, 1500).unref())]);
    },
  };
}
