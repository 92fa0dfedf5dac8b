-- Keyword search's candidates through the GIN index on knowledge_chunks.tsv. Under row-level security
-- the planner may not use an index for a condition whose operator is not leakproof (it would run before
-- the policy's check), and `tsvector @@ tsquery` is not: every keyword search scanned all the
-- workspace's chunks. This definer function returns the chunks of the session's own workspace
-- (app.tenant_id, as the policies read it; none when it is unset) that match the query: their id,
-- document and version (which the search joins to the documents it may see, under RLS) and tsvector
-- (to score them); the passages shown are read back under RLS as always. Planned per call with the
-- query's value (EXECUTE), so a rare word takes the index and a common one a scan.
-- The owner reads across tenants only through the definer functions (as in 0003 and 0010): where the
-- owner does not bypass RLS, FORCE applies to it too, and without these the functions would see nothing.
-- With a policy that is simply true for the owner, the planner may use the index inside the function.
DO $$
BEGIN
  EXECUTE 'DROP POLICY IF EXISTS knowledge_matcher ON knowledge_chunks';
  EXECUTE format('CREATE POLICY knowledge_matcher ON knowledge_chunks FOR SELECT TO %I USING (true)', current_user);
  -- parley_routing_relax_due (0017) reads routing_queue across tenants the same way.
  EXECUTE 'DROP POLICY IF EXISTS relax_sweeper ON routing_queue';
  EXECUTE format('CREATE POLICY relax_sweeper ON routing_queue FOR SELECT TO %I USING (true)', current_user);
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION parley_knowledge_match(q tsquery) RETURNS TABLE (id uuid, document_id uuid, document_version integer, tsv tsvector)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  RETURN QUERY EXECUTE
    'SELECT c.id, c.document_id, c.document_version, c.tsv FROM knowledge_chunks c WHERE c.tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::uuid AND c.tsv @@ $1'
    USING q;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION parley_knowledge_match(tsquery) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION parley_knowledge_match(tsquery) TO parley_app;
--> statement-breakpoint
-- Without fast update, each indexed chunk goes straight into the index's tree: the pending list it
-- would otherwise wait in is read whole by every search until a vacuum merges it, and the embedded
-- database has no autovacuum at all (searches there scanned megabytes of it). Indexing runs from the
-- queue, in batches, where the slower insert costs nobody a wait.
ALTER INDEX "knowledge_chunks_tsv_idx" SET (fastupdate = off);
--> statement-breakpoint
SELECT gin_clean_pending_list('knowledge_chunks_tsv_idx'::regclass);
