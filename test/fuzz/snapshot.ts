// A workspace's fingerprint: row count and a hash of the rows of every table that has a tenant_id (found
// in the catalog, so a table added later is covered without touching this file), plus its tenants row.
import { createHash } from "node:crypto";
import { ownerQuery } from "../harness";

/**
 * Columns Parley's own background work moves on rows that already exist (the outbox relay marking an
 * event published, its retry bookkeeping): they change with time, not with any request.
 */
const VOLATILE_COLUMNS = ["published_at", "attempts", "last_error", "available_at"];
/** Consumers' idempotency records, written by queue consumers after the fact; not data a request can reach. */
const BOOKKEEPING_TABLES = new Set(["processed_events"]);

export type Fingerprint = Record<string, { rows: number; hash: string }>;

export async function tenantTables(): Promise<string[]> {
  const rows = await ownerQuery<{ table_name: string }>(
    `select distinct c.table_name from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
     where c.table_schema = 'public' and c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE' order by 1`,
  );
  return rows.map((r) => r.table_name).filter((t) => !BOOKKEEPING_TABLES.has(t));
}

export async function workspaceFingerprint(tenantId: string): Promise<Fingerprint> {
  const out: Fingerprint = {};
  const read = async (name: string, sql: string) => {
    const rows = await ownerQuery<{ r: unknown }>(sql, [tenantId, VOLATILE_COLUMNS]);
    const lines = rows.map((x) => JSON.stringify(x.r)).sort();
    out[name] = { rows: lines.length, hash: createHash("sha256").update(lines.join("\n")).digest("hex") };
  };
  for (const table of await tenantTables()) await read(table, `select to_jsonb(t) - $2::text[] as r from "${table}" t where tenant_id = $1`);
  await read("tenants", `select to_jsonb(t) - $2::text[] as r from tenants t where id = $1`);
  return out;
}

/**
 * The fingerprint once background work has settled: every outbox event published, then the same
 * fingerprint for a stretch longer than the outbox queue's batch timeout (consumers count usage then).
 */
export async function settledFingerprint(tenantId: string, attempts = 40): Promise<Fingerprint> {
  const wait = () => new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < attempts; i++) {
    const [row] = await ownerQuery<{ n: number }>("select count(*)::int as n from outbox_events where tenant_id = $1 and published_at is null", [tenantId]);
    if (row?.n === 0) break;
    await wait();
  }
  let last = await workspaceFingerprint(tenantId);
  let stable = 0;
  for (let i = 0; i < attempts && stable < 4; i++) {
    await wait();
    const next = await workspaceFingerprint(tenantId);
    stable = JSON.stringify(next) === JSON.stringify(last) ? stable + 1 : 0;
    last = next;
  }
  if (stable < 4) throw new Error("the workspace never settled");
  return last;
}
