-- The scheduled sweep's view of skill relaxation: the (tenant, team) queues holding a conversation
-- whose skill needs relaxed in the last ten minutes, so the sweep can drain them then and not only
-- when an agent next comes online or frees capacity. Across tenants, so it is a definer function that
-- returns ids and nothing else; each drain then runs inside its own tenant's transaction under RLS.
-- Ten minutes, not "ever": a conversation still waiting after that is drained again by the usual
-- triggers (an agent online, capacity freed), and the sweep need not revisit it every minute forever.
CREATE OR REPLACE FUNCTION parley_routing_relax_due() RETURNS TABLE (tenant_id uuid, team_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT q.tenant_id, q.team_id FROM routing_queue q
  WHERE q.team_id IS NOT NULL AND q.relax_at <= now() AND q.relax_at > now() - interval '10 minutes'
  LIMIT 500
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION parley_routing_relax_due() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION parley_routing_relax_due() TO parley_app;
