-- RLS, grants and the app role's reach for the channel edge and billing tables (see 0001_rls.sql).
GRANT SELECT, INSERT, UPDATE, DELETE ON channels, contact_identities, conversations, messages, message_groups,
  billing_accounts, subscriptions, invoices, usage_counters TO parley_app;
--> statement-breakpoint
-- The raw webhook log is append-only for the app, like the audit log.
GRANT SELECT, INSERT ON channel_events TO parley_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE channel_events_id_seq, messages_sequence_seq TO parley_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['channels', 'contact_identities', 'conversations', 'messages', 'message_groups', 'channel_events',
                           'billing_accounts', 'subscriptions', 'invoices', 'usage_counters'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;
--> statement-breakpoint
-- The outbox sweep must find events whose publish-after-commit never happened, across tenants. The app
-- role cannot read across tenants; this function (running as the table owner) tells it only *which*
-- tenants have stale unpublished events, and the sweep then reads each one under that tenant's RLS.
DO $$
BEGIN
  EXECUTE 'DROP POLICY IF EXISTS outbox_sweeper ON outbox_events';
  EXECUTE format('CREATE POLICY outbox_sweeper ON outbox_events FOR SELECT TO %I USING (true)', current_user);
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION parley_outbox_pending_tenants(min_age_seconds integer) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT tenant_id FROM outbox_events
  WHERE published_at IS NULL AND available_at <= now() - make_interval(secs => min_age_seconds)
  LIMIT 1000
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION parley_outbox_pending_tenants(integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION parley_outbox_pending_tenants(integer) TO parley_app;
