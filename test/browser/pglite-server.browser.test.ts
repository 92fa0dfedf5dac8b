// The embedded database's wire server (scripts/lib/pglite-server.ts), in Node with real `pg` clients:
// one failing statement must not stall anyone else. Not a browser test; it lives in this project because
// it is the one that runs in Node.
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { servePglite, type PgliteServer } from "../../scripts/lib/pglite-server.ts";

let db: PGlite;
let server: PgliteServer;
const clients: pg.Client[] = [];

beforeAll(async () => {
  db = await PGlite.create();
  // Longer than any test's timeout: a client can only be let through early by the failed-transaction rule.
  server = await servePglite(db, { idleInTransactionMs: 600_000 });
  await db.exec("create table notes (id int primary key)");
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
});

afterAll(async () => {
  await server?.stop();
  await db?.close();
});

async function connect(name: string, events: string[] = []): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/postgres` });
  // Without a listener, a connection the server cuts would throw out of the test process.
  client.on("error", () => events.push(`${name} cut off`));
  clients.push(client);
  await client.connect();
  return client;
}

describe("embedded Postgres wire server", () => {
  it("lets another client through once a client's failed transaction is rolled back", async () => {
    const events: string[] = [];
    const a = await connect("A", events);
    const b = await connect("B", events);
    await a.query("begin");
    await expect(a.query("select 1 / 0")).rejects.toThrow(/division by zero/);
    const bDone = b.query("select 2 as n").then((r) => events.push(`B answered ${r.rows[0].n}`));
    await expect(a.query("select 1")).rejects.toThrow(/current transaction is aborted/);
    await a.query("rollback");
    events.push("A rolled back");
    await bDone;
    expect(events).toEqual(["A rolled back", "B answered 2"]);
  });

  it("cuts off a client that keeps a failed transaction open while others wait, long before the idle timeout", async () => {
    const events: string[] = [];
    const a = await connect("A", events);
    const b = await connect("B", events);
    await a.query("begin");
    await a.query("insert into notes values (1)");
    await expect(a.query("insert into notes values (1)")).rejects.toThrow(/duplicate key/);
    // A now sleeps in its failed transaction. B is answered only because A is cut off and rolled back.
    const r = await b.query("select count(*)::int as n from notes");
    events.push(`B answered ${r.rows[0].n}`);
    expect(events).toEqual(["A cut off", "B answered 0"]);
    // The session is clean for everyone after it.
    const c = await connect("C");
    expect((await c.query("select count(*)::int as n from notes")).rows[0].n).toBe(0);
  });

  it("still holds the session for a healthy transaction until it commits", async () => {
    const events: string[] = [];
    const a = await connect("A", events);
    const b = await connect("B", events);
    await a.query("begin");
    await a.query("insert into notes values (2)");
    const bDone = b.query("select count(*)::int as n from notes where id = 2").then((r) => events.push(`B saw ${r.rows[0].n}`));
    await a.query("commit");
    events.push("A committed");
    await bDone;
    expect(events).toEqual(["A committed", "B saw 1"]);
  });

  it("lets a statement refused outside a transaction hold nobody up and keeps its client usable", async () => {
    const events: string[] = [];
    const a = await connect("A", events);
    const b = await connect("B", events);
    await expect(a.query("select 1 / 0")).rejects.toThrow(/division by zero/);
    await expect(a.query({ text: "select $1::int / 0", values: [1] })).rejects.toThrow(/division by zero/);
    events.push(`B answered ${(await b.query("select 3 as n")).rows[0].n}`);
    events.push(`A answered ${(await a.query({ text: "select $1::int as n", values: [4] })).rows[0].n}`);
    expect(events).toEqual(["B answered 3", "A answered 4"]);
  });

  it("delivers a result of many rows larger than the socket can take at once, intact", async () => {
    // PGlite hands the server views of a buffer it reuses; written by reference, a result the kernel
    // could not take at once (about 4 MB here) reached the client corrupted and the query never ended.
    const a = await connect("A");
    const res = await a.query("select g, repeat(chr(65 + g % 26), 2100) as s from generate_series(1, 3000) g");
    expect(res.rows).toHaveLength(3000);
    expect(res.rows.every((r: { g: number; s: string }) => r.s.length === 2100 && r.s[0] === String.fromCharCode(65 + (r.g % 26)))).toBe(true);
  });
});
