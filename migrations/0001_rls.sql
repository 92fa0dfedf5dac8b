-- Row-level security: the second wall between tenants, after the service layer.
-- Every statement here is safe to run again (IF NOT EXISTS / DROP ... IF EXISTS / CREATE OR REPLACE).
--
-- The Worker's role: owns nothing, can never bypass RLS. On Neon the deployer lets it log in with a
-- password; locally (PGlite has one superuser session) transactions SET LOCAL ROLE to it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'parley_app') THEN
    CREATE ROLE parley_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO parley_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON tenants, users TO parley_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_members, refresh_token_families, refresh_tokens, api_keys,
  contacts, outbox_events, processed_events TO parley_app;
--> statement-breakpoint
-- The audit log is append-only for the app: no UPDATE or DELETE grant, and a trigger that refuses
-- updates from anyone.
GRANT SELECT, INSERT ON audit_log TO parley_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE audit_log_id_seq TO parley_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION parley_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION parley_audit_log_append_only();
--> statement-breakpoint
-- Tenant-owned tables: one policy, USING and WITH CHECK, keyed on the transaction-local setting.
-- nullif(...) makes an unset or empty setting NULL, and `tenant_id = NULL` is never true: fail closed.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_members', 'refresh_token_families', 'refresh_tokens', 'api_keys',
                           'contacts', 'audit_log', 'outbox_events', 'processed_events'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;
--> statement-breakpoint
-- A signed-in user may list their own memberships across workspaces (to pick one at log-in).
DROP POLICY IF EXISTS tenant_members_self_read ON tenant_members;
--> statement-breakpoint
CREATE POLICY tenant_members_self_read ON tenant_members FOR SELECT
  USING (user_id = nullif(current_setting('app.user_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_isolation ON tenants;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenants
  USING (id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
DROP POLICY IF EXISTS tenants_member_read ON tenants;
--> statement-breakpoint
CREATE POLICY tenants_member_read ON tenants FOR SELECT
  USING (id IN (SELECT m.tenant_id FROM tenant_members m
                WHERE m.user_id = nullif(current_setting('app.user_id', true), '')::uuid AND m.status = 'active'));
--> statement-breakpoint
-- Users are global (one login, many workspaces) but still behind RLS: a row is visible only as yourself,
-- as a member of the current workspace, or by the exact email being signed in or invited.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS users_self ON users;
--> statement-breakpoint
CREATE POLICY users_self ON users
  USING (id = nullif(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.user_id', true), '')::uuid);
--> statement-breakpoint
DROP POLICY IF EXISTS users_by_email ON users;
--> statement-breakpoint
CREATE POLICY users_by_email ON users
  USING (email = nullif(current_setting('app.login_email', true), ''))
  WITH CHECK (email = nullif(current_setting('app.login_email', true), ''));
--> statement-breakpoint
DROP POLICY IF EXISTS users_tenant_members ON users;
--> statement-breakpoint
CREATE POLICY users_tenant_members ON users FOR SELECT
  USING (EXISTS (SELECT 1 FROM tenant_members m WHERE m.user_id = users.id
                 AND m.tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid));
