-- Ingest core: email routing, outbound claims, the thread's own outbox lookups, and log retention.

-- One workspace owns a support address: mail to it is routed to that channel alone.
CREATE UNIQUE INDEX IF NOT EXISTS channels_email_address_key ON channels (lower(config->>'address'))
  WHERE type = 'email' AND deleted_at IS NULL;
--> statement-breakpoint
-- A thread retrying a batch (or a group close) after a stop finds the events the first attempt wrote.
CREATE INDEX IF NOT EXISTS outbox_events_aggregate_idx ON outbox_events (tenant_id, aggregate_type, aggregate_id);
--> statement-breakpoint
-- Replies referencing earlier mail find that mail's conversation.
CREATE INDEX IF NOT EXISTS messages_channel_external_idx ON messages (channel_id, external_id) WHERE external_id IS NOT NULL;
--> statement-breakpoint
-- An outbound send is claimed for a while, so the provider call runs with no row lock held: a second
-- delivery of the same event sees the claim and waits for it to lapse instead of sending again.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS send_claimed_until timestamptz;
--> statement-breakpoint
-- Cloudflare Email Routing hands the Worker a recipient address and nothing else: this tells it which
-- workspace and channel own that address (and only that), as the table owner across tenants. The
-- channel itself is then read under that tenant's RLS.
DO $$
BEGIN
  EXECUTE 'DROP POLICY IF EXISTS email_router ON channels';
  EXECUTE format('CREATE POLICY email_router ON channels FOR SELECT TO %I USING (true)', current_user);
  EXECUTE 'DROP POLICY IF EXISTS log_retention ON channel_events';
  EXECUTE format('CREATE POLICY log_retention ON channel_events FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION parley_email_channel_for(p_address text) RETURNS TABLE (tenant_id uuid, channel_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT c.tenant_id, c.id FROM channels c
  WHERE c.type = 'email' AND c.deleted_at IS NULL AND lower(c.config->>'address') = lower(p_address)
  LIMIT 1
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION parley_email_channel_for(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION parley_email_channel_for(text) TO parley_app;
--> statement-breakpoint
-- The raw delivery log is append-only for the app; retention is the one way rows leave it. Rejected
-- (unauthenticated) deliveries are kept for a short while, accepted ones for longer (replay window).
CREATE OR REPLACE FUNCTION parley_channel_events_retention(p_rejected_days integer, p_accepted_days integer) RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  WITH gone AS (
    DELETE FROM channel_events
    WHERE (verdict = 'rejected' AND received_at < now() - make_interval(days => greatest(p_rejected_days, 1)))
       OR (verdict <> 'rejected' AND received_at < now() - make_interval(days => greatest(p_accepted_days, 1)))
    RETURNING 1
  )
  SELECT count(*)::integer FROM gone
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION parley_channel_events_retention(integer, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION parley_channel_events_retention(integer, integer) TO parley_app;
