import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createHarness, ownerQuery, withSql } from "./harness";

// The database's wall, checked on the connection the Worker really uses (Neon driver over WebSocket).
// Locally the Worker's transactions SET LOCAL ROLE parley_app; against a real server (CI) the
// connection logs in as parley_app itself.
const asApp = async <T>(fn: (q: (sql: string, params?: unknown[]) => Promise<any[]>) => Promise<T>, settings: Record<string, string> = {}) =>
  withSql("app", async (client) => {
    await client.query("begin");
    try {
      await client.query("select set_config('role', 'parley_app', true)");
      for (const [k, v] of Object.entries(settings)) await client.query("select set_config($1, $2, true)", [k, v]);
      return await fn(async (sql, params) => (await client.query(sql, params)).rows);
    } finally {
      await client.query("rollback");
    }
  });

describe("row-level security catalog", () => {
  it("has RLS enabled and forced on every table in the public schema, each with a tenant_id or tenant key", async () => {
    const tables = await ownerQuery<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1`,
    );
    expect(tables.length).toBeGreaterThanOrEqual(10);
    for (const t of tables) expect({ table: t.relname, enabled: t.relrowsecurity, forced: t.relforcerowsecurity }).toEqual({ table: t.relname, enabled: true, forced: true });
    const withoutTenant = await ownerQuery(
      `select c.relname from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
       and c.relname not in ('tenants', 'users')
       and not exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and a.attnotnull)`,
    );
    expect(withoutTenant).toEqual([]);
  });

  it("has policies with USING and WITH CHECK on app.tenant_id for every tenant table", async () => {
    const policies = await ownerQuery(
      `select tablename, policyname, qual, with_check from pg_policies where schemaname = 'public' and policyname = 'tenant_isolation'`,
    );
    const tenantTables = await ownerQuery(`select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id'`);
    for (const { table_name } of tenantTables) {
      const p = policies.find((x) => x.tablename === table_name);
      expect(p, `policy on ${table_name}`).toBeDefined();
      expect(p.qual).toContain("app.tenant_id");
      expect(p.with_check).toContain("app.tenant_id");
    }
  });

  it("gives the app role no superuser, no BYPASSRLS and no owned objects", async () => {
    const [role] = await ownerQuery(`select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = 'parley_app'`);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
    const owned = await ownerQuery(`select c.relname from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = 'parley_app'`);
    expect(owned).toEqual([]);
  });

  it("pins every definer function's search_path with the caller's temporary schema last, and lets no one but the app role call it", async () => {
    const fns = await ownerQuery<{ proname: string; config: string[] | null; public_exec: boolean }>(
      `select p.proname, p.proconfig as config, has_function_privilege('public', p.oid, 'execute') as public_exec
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.prosecdef order by 1`,
    );
    expect(fns.map((f) => f.proname)).toEqual([
      "parley_channel_events_retention",
      "parley_email_channel_for",
      "parley_knowledge_match",
      "parley_outbox_mark_published",
      "parley_outbox_pending_tenants",
      "parley_routing_relax_due",
    ]);
    for (const f of fns) {
      expect(f.config, f.proname).toContain("search_path=pg_catalog, public, pg_temp");
      expect(f.public_exec, f.proname).toBe(false);
    }
  });

  it("runs the Worker's connection as the app role", async () => {
    const who = await asApp((q) => q("select current_user, session_user"));
    expect(who[0].current_user).toBe("parley_app");
    if (env.DB_KIND === "server") expect(who[0].session_user).toBe("parley_app");
  });
});

describe("the app role in SQL", () => {
  it("sees zero rows in every tenant table when no tenant is set", async () => {
    await createHarness(); // there is data to hide
    const tables = await ownerQuery<{ relname: string }>(`select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' and relname <> 'audit_log' order by 1`);
    await asApp(async (q) => {
      for (const { relname } of tables) expect({ relname, rows: (await q(`select count(*)::int as n from ${relname}`))[0].n }).toEqual({ relname, rows: 0 });
      expect((await q("select count(*)::int as n from audit_log"))[0].n).toBe(0);
    });
    expect((await ownerQuery("select count(*)::int as n from contacts"))[0].n).toBeGreaterThanOrEqual(0);
  });

  it("sees only the current tenant's rows when one is set", async () => {
    const { tenant, foreign } = await createHarness();
    await tenant.createContact();
    await foreign.createContact();
    const seen = await asApp((q) => q("select distinct tenant_id from contacts"), { "app.tenant_id": tenant.id });
    expect(seen).toEqual([{ tenant_id: tenant.id }]);
  });

  it("cannot insert a row for another tenant, nor move a row to one", async () => {
    const { tenant, foreign } = await createHarness();
    const mine = await tenant.createContact();
    await expect(
      asApp((q) => q("insert into contacts (id, tenant_id) values (gen_random_uuid(), $1)", [foreign.id]), { "app.tenant_id": tenant.id }),
    ).rejects.toThrow(/row-level security/);
    await expect(asApp((q) => q("insert into contacts (id, tenant_id) values (gen_random_uuid(), $1)", [foreign.id]))).rejects.toThrow(/row-level security/);
    await expect(
      asApp((q) => q("update contacts set tenant_id = $1 where id = $2", [foreign.id, mine.id]), { "app.tenant_id": tenant.id }),
    ).rejects.toThrow(/row-level security/);
  });

  it("cannot update or delete another tenant's rows (they are invisible)", async () => {
    const { tenant, foreign } = await createHarness();
    const theirs = await foreign.createContact({ name: "Theirs" });
    const result = await asApp(async (q) => {
      await q("update contacts set name = 'hacked' where id = $1", [theirs.id]);
      await q("delete from contacts where id = $1", [theirs.id]);
      return q("select count(*)::int as n from contacts where id = $1", [theirs.id]);
    }, { "app.tenant_id": tenant.id });
    expect(result[0].n).toBe(0);
    const [row] = await ownerQuery("select name, deleted_at from contacts where id = $1", [theirs.id]);
    expect(row).toEqual({ name: "Theirs", deleted_at: null });
  });

  it("cannot turn RLS off, change roles or grant itself more", async () => {
    const attempts = [
      "alter table contacts disable row level security",
      "alter table contacts no force row level security",
      "alter role parley_app bypassrls",
      "drop policy tenant_isolation on contacts",
      "grant parley_app to current_user",
    ];
    // Embedded PGlite has one superuser session underneath the app role, so switching back to a
    // superuser role cannot be refused there; that escalation is checked against the real server in CI.
    if (env.DB_KIND === "server") attempts.push("set local role postgres", "set session authorization postgres");
    for (const sql of attempts) {
      await expect(asApp((q) => q(sql)), sql).rejects.toThrow();
    }
  });

  it("cannot update or delete audit rows, even its own tenant's", async () => {
    const { tenant } = await createHarness();
    const attempt = (sql: string) => asApp((q) => q(sql), { "app.tenant_id": tenant.id });
    await expect(attempt("update audit_log set action = 'x.y'")).rejects.toThrow();
    await expect(attempt("delete from audit_log")).rejects.toThrow();
    expect((await ownerQuery("select count(*)::int as n from audit_log where tenant_id = $1", [tenant.id]))[0].n).toBeGreaterThan(0);
  });
});
