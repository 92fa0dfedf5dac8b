/**
 * Closing a debounce group: the `message_groups` row and its `message_group.ready` event in one
 * statement. The group id is fixed when the group opens, so a retried close inserts nothing new and
 * returns the event the first attempt wrote (the thread sends it if it had not yet).
 */
import { sql, type SQL } from "drizzle-orm";
import type { OutboxMessage } from "../../queues/outbox-relay";

export interface ClosingGroup {
  id: string;
  threadKey: string;
  tenantId: string;
  conversationId: string;
  channelId: string;
  contactId: string;
  messageIds: string[];
  startedAt: number;
  hardDeadline: number;
}

export function closeGroupStatement(g: ClosingGroup): SQL {
  const payload = { group_id: g.id, conversation_id: g.conversationId, contact_id: g.contactId, channel_id: g.channelId, thread_key: g.threadKey, message_ids: g.messageIds };
  return sql`
    with g as (
      insert into message_groups (id, tenant_id, conversation_id, channel_id, contact_id, message_ids, started_at, completed_at, expires_at)
      values (${g.id}::uuid, ${g.tenantId}::uuid, ${g.conversationId}::uuid, ${g.channelId}::uuid, ${g.contactId}::uuid,
        ${`{${g.messageIds.join(",")}}`}::uuid[], ${new Date(g.startedAt).toISOString()}::timestamptz, now(), ${new Date(g.hardDeadline).toISOString()}::timestamptz)
      on conflict (id) do nothing
      returning id
    ),
    o as (
      insert into outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, payload, published_at)
      select gen_random_uuid(), ${g.tenantId}::uuid, 'message_group.ready', 'message_group', g.id::text, ${JSON.stringify(payload)}::jsonb, now()
      from g
      returning *
    ),
    prior as (
      select * from outbox_events
      where tenant_id = ${g.tenantId}::uuid and type = 'message_group.ready' and aggregate_type = 'message_group' and aggregate_id = ${g.id}
        and not exists (select 1 from g)
    )
    select coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'tenant_id', x.tenant_id, 'type', x.type, 'aggregate_type', x.aggregate_type,
      'aggregate_id', x.aggregate_id, 'payload', x.payload, 'created_at', x.created_at)), '[]'::jsonb) as events
    from (select * from o union all select * from prior) x
  `;
}

export type CloseGroupRow = { events: OutboxMessage[] };
