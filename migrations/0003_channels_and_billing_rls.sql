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
