-- The conversation list's order (most recent activity first, conversations without messages by their
-- creation) as an index, so a page of 50 is an index range scan inside the tenant (the RLS predicate
-- on tenant_id is its first column) instead of sorting every conversation the workspace has.
CREATE INDEX IF NOT EXISTS "conversations_activity_idx" ON "conversations" ("tenant_id", (coalesce("last_message_at", "created_at")) DESC, "id" DESC);
