-- The generation of a workspace's flow request signing secret: the secret is derived from
-- FLOW_SIGNING_KEY, the workspace id and this number, so rotating it (shown once to the owner, to
-- configure the receiver) needs no secret at rest. Generation 0 is the secret before any rotation.
ALTER TABLE "tenants" ADD COLUMN IF NOT EXISTS "flow_signing_generation" integer DEFAULT 0 NOT NULL;
