// Knowledge search outside the Worker, for the evaluation and the benchmark: an embedded Postgres with
// the real migrations, and the Worker's own pipeline and search code run against it through
// node-postgres (the same SQL, the same row-level security: every call is a tenant transaction as the
// app role).
import { randomUUID } from "node:crypto";
import { drizzle } from "drizzle-orm/node-postgres";
import { sql } from "drizzle-orm";
import pg from "pg";
import { startEmbeddedPostgres } from "../../../scripts/lib/embedded-postgres.ts";
import { freePort } from "../../../scripts/lib/free-port.ts";
import { runMigrations } from "../../../scripts/lib/migrate.ts";
import { resolveExtensionlessImports } from "../../../bench/ts-resolve.ts";

resolveExtensionlessImports();
export const pipeline = await import("../../../src/services/knowledge/pipeline.ts");
export const searchLib = await import("../../../src/knowledge/search.ts");
export const answerLib = await import("../../../src/knowledge/answer.ts");
export const selectLib = await import("../../../src/knowledge/select.ts");

export type Tx = Parameters<Parameters<ReturnType<typeof drizzle>["transaction"]>[0]>[0];

export async function openSearchDb(opts: { pgServer?: string } = {}) {
  let url: string;
  let stop: () => Promise<void>;
  let dropDb: (() => Promise<void>) | undefined;
  if (opts.pgServer) {
    const name = `parley_search_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: opts.pgServer });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(opts.pgServer);
    u.pathname = `/${name}`;
    url = u.toString();
    dropDb = async () => {
      const a = new pg.Client({ connectionString: opts.pgServer });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    };
    stop = async () => {};
  } else {
    const embedded = await startEmbeddedPostgres({ port: await freePort() });
    url = embedded.url;
    stop = embedded.stop;
  }
  await runMigrations(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const db = drizzle(client);

  /** A tenant transaction as the app role, exactly as the Worker's `scoped`. */
  const scoped = <T>(scope: { tenantId: string }, fn: (tx: Tx) => Promise<T>): Promise<T> =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'parley_app', true), set_config('app.tenant_id', ${scope.tenantId}, true)`);
      return fn(tx);
    });

  async function createTenant(label: string): Promise<string> {
    const id = randomUUID();
    await client.query("insert into tenants (id, slug, name) values ($1, $2, $3)", [id, `${label}-${id.slice(0, 8)}`, label]);
    return id;
  }

  async function addDocument(tenantId: string, doc: { title: string; content: string; format?: "markdown" | "text" | "html"; language?: string | null }) {
    const id = randomUUID();
    await scoped({ tenantId }, (tx) =>
      tx.execute(sql`insert into knowledge_documents (id, tenant_id, title, format, content_raw, language)
        values (${id}::uuid, ${tenantId}::uuid, ${doc.title}, ${doc.format ?? "markdown"}, ${doc.content}, ${doc.language ?? null})`),
    );
    return id;
  }

  return {
    url,
    client,
    scoped,
    createTenant,
    addDocument,
    async close() {
      await client.end();
      await stop();
      await dropDb?.();
    },
  };
}
