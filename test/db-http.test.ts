import { env } from "cloudflare:test";
import { neon, neonConfig, NeonDbError } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { postgresErrorOf } from "../durable-objects/conversation-thread/persist";
import { Database } from "../src/db/client";
import { contacts } from "../src/db/schema";
import { loadConfig } from "../src/env";
import { createHarness, ownerQuery, type TenantHandle } from "./harness";

// The local stand-in for Neon's SQL-over-HTTP endpoint, checked through the Neon driver itself (what
// the Worker runs in production against Neon), and the one-round-trip path built on it: the scope is
// set per transaction, RLS fails closed without it, and nothing outlives the transaction.
const endpoint = () => (env as unknown as { DB_HTTP_ENDPOINT: string }).DB_HTTP_ENDPOINT;
const app = () => {
  neonConfig.fetchEndpoint = endpoint();
  return neon(env.DATABASE_URL);
};
const db = () => new Database(loadConfig(env as never), "parley-test");

describe("SQL-over-HTTP stand-in, through the Neon driver", () => {
  it("runs one statement with parameters and returns values typed as the driver parses them", async () => {
    const q = app();
    const [row] = (await q.query(
      "select $1::int as i, $2::text as t, now() as ts, $3::jsonb as j, array[1, 2] as arr, null::text as n, $4::bytea as b, $5::bool as yes",
      [41, "it's", JSON.stringify({ a: [1, "x"] }), "\\x0102", true],
    )) as Array<Record<string, unknown>>;
    expect(row!.i).toBe(41);
    expect(row!.t).toBe("it's");
    expect(row!.ts).toBeInstanceOf(Date);
    expect(row!.j).toEqual({ a: [1, "x"] });
    expect(row!.arr).toEqual([1, 2]);
    expect(row!.n).toBeNull();
    expect([...(row!.b as Uint8Array)]).toEqual([1, 2]);
    expect(row!.yes).toBe(true);
  });

  it("gives full results (fields, command, row count) and array mode when asked", async () => {
    const q = app();
    const full = (await q.query("select 1 as one, 'a' as two", [], { fullResults: true })) as unknown as { command: string; rowCount: number; fields: Array<{ name: string; dataTypeID: number }>; rows: unknown[] };
    expect(full.command).toBe("SELECT");
    expect(full.rowCount).toBe(1);
    expect(full.fields.map((f) => [f.name, f.dataTypeID])).toEqual([["one", 23], ["two", 25]]);
    expect(full.rows).toEqual([{ one: 1, two: "a" }]);
    expect(await q.query("select 1 as one, 'a' as two", [], { arrayMode: true })).toEqual([[1, "a"]]);
  });

  it("runs a batch as one transaction with the isolation level and read-only mode asked for", async () => {
    const q = app();
    const [a, b, c] = await q.transaction(
      [q`select current_setting('transaction_isolation') as level`, q`select current_setting('transaction_read_only') as ro`, q`select txid_current_if_assigned() is null as fresh, ${"x"}::text as v`],
      { isolationLevel: "Serializable", readOnly: true },
    );
    expect(a).toEqual([{ level: "serializable" }]);
    expect(b).toEqual([{ ro: "on" }]);
    expect(c).toEqual([{ fresh: true, v: "x" }]);
    const [d] = await q.transaction([q`select current_setting('transaction_isolation') as level`], { isolationLevel: "RepeatableRead" });
    expect(d).toEqual([{ level: "repeatable read" }]);
    // One transaction: a transaction-local setting made by the first statement is seen by the last.
    const [, seen] = await q.transaction([q`select set_config('app.probe', 'set', true)`, q`select current_setting('app.probe', true) as v`]);
    expect(seen).toEqual([{ v: "set" }]);
  });

  it("refuses a write in a read-only batch with Postgres's own error", async () => {
    const q = app();
    const err = await q.transaction([q`select set_config('role', 'parley_app', true)`, q`insert into contacts (id, tenant_id) values (gen_random_uuid(), gen_random_uuid())`], { readOnly: true }).catch((e) => e);
    expect(err).toBeInstanceOf(NeonDbError);
    expect(err.code).toBe("25006");
  });

  it("answers a refused statement as Neon does: the driver's NeonDbError with the server's fields", async () => {
    const q = app();
    const syntax = await q.query("selec 1").catch((e) => e);
    expect(syntax).toBeInstanceOf(NeonDbError);
    expect(syntax.code).toBe("42601");
    expect(syntax.severity).toBe("ERROR");
    expect(syntax.position).toBe("1");
    expect(syntax.message).toMatch(/syntax error/);
    const owner = neon(env.OWNER_DATABASE_URL);
    const unique = await owner.transaction([owner`create temp table http_probe (id int primary key) on commit drop`, owner`insert into http_probe values (1)`, owner`insert into http_probe values (1)`]).catch((e) => e);
    expect(unique).toBeInstanceOf(NeonDbError);
    expect(unique.code).toBe("23505");
    expect(unique.constraint).toBe("http_probe_pkey");
    expect(unique.detail).toMatch(/already exists/);
  });

  it("answers malformed requests with an error, never a result", async () => {
    const headers = { "Neon-Connection-String": env.DATABASE_URL, "Neon-Raw-Text-Output": "true", "Neon-Array-Mode": "true" };
    expect((await fetch(endpoint(), { method: "GET", headers })).status).toBe(405);
    const noHeader = await fetch(endpoint(), { method: "POST", body: JSON.stringify({ query: "select 1", params: [] }) });
    expect(noHeader.status).toBe(400);
    expect(((await noHeader.json()) as { message: string }).message).toMatch(/Neon-Connection-String/);
    const notJson = await fetch(endpoint(), { method: "POST", headers, body: "{" });
    expect(notJson.status).toBe(400);
    const badLevel = await fetch(endpoint(), { method: "POST", headers: { ...headers, "Neon-Batch-Isolation-Level": "Chaos" }, body: JSON.stringify({ queries: [{ query: "select 1", params: [] }] }) });
    expect(badLevel.status).toBe(400);
    // Only this machine's servers: the stand-in is no relay.
    const elsewhere = await fetch(endpoint(), { method: "POST", headers: { ...headers, "Neon-Connection-String": "postgres://u@example.com:5432/db" }, body: JSON.stringify({ query: "select 1", params: [] }) });
    expect(elsewhere.status).toBe(400);
  });
});

describe("the one-round-trip path (Database.batch / statements / oneTrip)", () => {
  let tenant: TenantHandle;
  let foreign: TenantHandle;
  beforeAll(async () => {
    ({ tenant, foreign } = await createHarness());
    await tenant.createContact({ name: "Ours" });
    await foreign.createContact({ name: "Theirs" });
  });

  it("runs as the app role with the tenant set, and sees that tenant's rows only", async () => {
    const [[who], rows] = await db().batch({ tenantId: tenant.id }, (q) => [q.execute(sql`select current_user as role, current_setting('app.tenant_id', true) as tenant`), q.select({ name: contacts.name, tenantId: contacts.tenantId }).from(contacts)] as const).then(([w, r]) => [w.rows, r] as const);
    expect(who).toEqual({ role: "parley_app", tenant: tenant.id });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.tenantId === tenant.id)).toBe(true);
  });

  it("fails closed: with no tenant set, tenant tables show nothing and refuse writes", async () => {
    const [rows] = await db().batch({}, (q) => [q.select().from(contacts)] as const);
    expect(rows).toEqual([]);
    const err = await db().oneTrip({}, sql`insert into contacts (id, tenant_id) values (gen_random_uuid(), ${tenant.id}::uuid)`).catch((e) => e);
    expect(postgresErrorOf(err)?.code).toBe("42501");
  });

  it("leaves nothing behind: the next request on a pooled connection has no role or tenant", async () => {
    const d = db();
    for (let i = 0; i < 12; i++) await d.oneTrip({ tenantId: tenant.id, userId: tenant.owner.userId }, sql`select 1`);
    const q = app();
    // (The role is the login role again: the superuser on the embedded server, parley_app on a real one.)
    const after = await Promise.all(Array.from({ length: 12 }, () => q.query("select coalesce(current_setting('app.tenant_id', true), '') as tenant, coalesce(current_setting('app.user_id', true), '') as usr")));
    for (const [row] of after as Array<Array<Record<string, string>>>) expect(row).toEqual({ tenant: "", usr: "" });
  });

  it("is all or nothing: a failing statement undoes the batch's earlier writes", async () => {
    const id = crypto.randomUUID();
    const err = await db()
      .statements({ tenantId: tenant.id }, [sql`insert into contacts (id, tenant_id, name) values (${id}::uuid, ${tenant.id}::uuid, 'Undone')`, sql`select 1 / 0`])
      .catch((e) => e);
    expect(postgresErrorOf(err)?.code).toBe("22012");
    expect(await ownerQuery("select id from contacts where id = $1", [id])).toEqual([]);
  });

  it("reads side by side in one round trip through a reader, scoped, and later reads in another", async () => {
    const r = db().reader({ tenantId: tenant.id });
    const ask = sql`select txid_current()::text as tx, current_setting('app.tenant_id', true) as tenant, (select count(*)::int from contacts where tenant_id <> ${tenant.id}::uuid) as foreign_rows`;
    const [a, b] = await Promise.all([r.execute<{ tx: string; tenant: string; foreign_rows: number }>(ask), r.execute<{ tx: string; tenant: string; foreign_rows: number }>(ask)]);
    expect(a.rows[0]).toMatchObject({ tenant: tenant.id, foreign_rows: 0 });
    expect(b.rows[0]!.tx).toBe(a.rows[0]!.tx);
    const [c] = (await r.execute<{ tx: string }>(ask)).rows;
    expect(c!.tx).not.toBe(a.rows[0]!.tx);
    // Without a tenant it fails closed like every other path.
    const [none] = (await db().reader({}).execute<{ n: number }>(sql`select count(*)::int as n from contacts`)).rows;
    expect(none!.n).toBe(0);
  });

  it("passes parameters as values, never as SQL", async () => {
    const hostile = "x'); drop table contacts; --";
    const [rows] = await db().statements({ tenantId: tenant.id }, [sql`select ${hostile}::text as v, ${null}::text as n`]);
    expect(rows).toEqual([{ v: hostile, n: null }]);
  });
});
