-- Marks outbox events published right after a Durable Object sent them to the queue, in one statement
-- outside any transaction (the hot persistence path stays at one transaction per batch). It can only
-- set published_at, only on the named tenant's named events: knowing random ids is required, and the
-- worst misuse is an event the cron sweep will not resend.
CREATE OR REPLACE FUNCTION parley_outbox_mark_published(p_tenant uuid, p_ids uuid[]) RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  WITH done AS (
    UPDATE outbox_events SET published_at = now()
    WHERE tenant_id = p_tenant AND id = ANY(p_ids) AND published_at IS NULL
    RETURNING 1
  )
  SELECT count(*)::integer FROM done
$$;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE 'DROP POLICY IF EXISTS outbox_publisher ON outbox_events';
  EXECUTE format('CREATE POLICY outbox_publisher ON outbox_events FOR UPDATE TO %I USING (true) WITH CHECK (true)', current_user);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION parley_outbox_mark_published(uuid, uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION parley_outbox_mark_published(uuid, uuid[]) TO parley_app;
