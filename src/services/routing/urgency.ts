import { sql, type SQL } from "drizzle-orm";

/**
 * Seed 002's `v_agent_queue` order over a conversations alias: priority first (P0 … P3, unknown
 * last), then SLA urgency, the earliest due time first.
 */
export function urgencyOrder(c: SQL): SQL {
  return sql`case ${c}.priority when 'P0' then 0 when 'P1' then 1 when 'P2' then 2 when 'P3' then 3 else 4 end, ${slaDue(c)} asc nulls last`;
}

/**
 * The nearest SLA due time still owed (null without a policy), from the conversation's SLA clocks
 * (conversation_slas, 0015). A first response already given owes nothing any more.
 */
export function slaDue(c: SQL): SQL {
  return sql`(select least(case when ${c}.first_response_at is null then s.first_response_due_at end, s.next_response_due_at, s.resolution_due_at)
    from conversation_slas s where s.conversation_id = ${c}.id and s.tenant_id = ${c}.tenant_id)`;
}
