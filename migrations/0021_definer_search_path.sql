-- The earlier definer functions named only `public` in their search_path, which still lets the
-- caller's temporary schema come first for table names: the app role could shadow a table with a
-- temporary one of its own (it would only ever read or change its own rows, but a definer function
-- should not be steerable at all). pg_temp goes last, as for parley_knowledge_match.
ALTER FUNCTION parley_outbox_pending_tenants(integer) SET search_path = pg_catalog, public, pg_temp;
--> statement-breakpoint
ALTER FUNCTION parley_outbox_mark_published(uuid, uuid[]) SET search_path = pg_catalog, public, pg_temp;
--> statement-breakpoint
ALTER FUNCTION parley_email_channel_for(text) SET search_path = pg_catalog, public, pg_temp;
--> statement-breakpoint
ALTER FUNCTION parley_channel_events_retention(integer, integer) SET search_path = pg_catalog, public, pg_temp;
--> statement-breakpoint
ALTER FUNCTION parley_routing_relax_due() SET search_path = pg_catalog, public, pg_temp;
