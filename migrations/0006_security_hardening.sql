-- Security hardening (issue 9): no cross-workspace row in a workspace-scoped query.
--
-- Postgres ORs permissive policies. The "read your own memberships" policies exist for one moment, log-in,
-- when no workspace is chosen yet; but they also applied inside a workspace whenever a user id was set,
-- so a member of two workspaces saw their membership in the other one in this one's member list, seat
-- count and last-owner check. They now apply only while no tenant is set: inside a workspace, tenant
-- isolation is the only way a tenant-owned row becomes visible.
-- Safe to run again (DROP ... IF EXISTS, then CREATE).
DROP POLICY IF EXISTS tenant_members_self_read ON tenant_members;
--> statement-breakpoint
CREATE POLICY tenant_members_self_read ON tenant_members FOR SELECT
  USING (nullif(current_setting('app.tenant_id', true), '') IS NULL
         AND user_id = nullif(current_setting('app.user_id', true), '')::uuid);
--> statement-breakpoint
DROP POLICY IF EXISTS tenants_member_read ON tenants;
--> statement-breakpoint
CREATE POLICY tenants_member_read ON tenants FOR SELECT
  USING (nullif(current_setting('app.tenant_id', true), '') IS NULL
         AND id IN (SELECT m.tenant_id FROM tenant_members m
                    WHERE m.user_id = nullif(current_setting('app.user_id', true), '')::uuid AND m.status = 'active'));
--> statement-breakpoint
-- The edge's quota counts the messages a workspace *sent* this period (inbound never uses up what agents
-- may send; see services/billing/quota-policy.ts): this keeps that count an index range scan.
CREATE INDEX IF NOT EXISTS messages_outbound_period_idx ON messages (tenant_id, created_at) WHERE direction = 'outbound';
