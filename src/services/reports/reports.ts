import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { AppError } from "../../lib/errors";
import { PeriodQuery, reportPeriod } from "./period";
import { withTenant } from "../access";
import { findTeamRow } from "../routing/engine";
import type { ServiceContext } from "../context";

/** Longest period one report covers: the queries scan the period's conversations. */
const MAX_DAYS = 366;

export const ReportQuery = PeriodQuery.extend({
  team_id: z.string().uuid().optional(),
  channel_id: z.string().uuid().optional(),
});
export type ReportQuery = z.infer<typeof ReportQuery>;

const Durations = z.object({ count: z.number().int(), median_s: z.number().nullable(), p90_s: z.number().nullable() });
const Attainment = z.object({ conversations: z.number().int(), breached: z.number().int(), attainment_pct: z.number().nullable() });

export const ReportSchema = z
  .object({
    period: z.object({ from: z.string(), to: z.string() }),
    first_response: Durations.openapi({ description: "Conversation start to the first agent reply (wall-clock seconds), for conversations started in the period" }),
    resolution: Durations.openapi({ description: "Conversation start to resolution (wall-clock seconds)" }),
    sla: Attainment.extend({
      by_team: z.array(Attainment.extend({ team_id: z.string().uuid().nullable(), name: z.string() })),
      by_channel: z.array(Attainment.extend({ channel_id: z.string().uuid(), name: z.string(), type: z.string() })),
      breaches_by_metric: z.array(z.object({ metric: z.string(), count: z.number().int() })),
    }),
    volume_by_priority: z.array(z.object({ priority: z.string(), count: z.number().int() })),
    daily: z.array(z.object({ date: z.string(), conversations: z.number().int(), breached: z.number().int() })),
  })
  .openapi("Report");
export type Report = z.infer<typeof ReportSchema>;

const int = (v: unknown) => Number(v ?? 0);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
const pct = (total: number, breached: number) => (total === 0 ? null : Math.round(((total - breached) / total) * 1000) / 10);

/**
 * The reports page and GET /v1/reports: response and resolution times (median, p90), SLA attainment
 * (conversations under a policy that never breached) per team and channel, volume by priority, and a
 * daily series — all over conversations started in the period.
 */
export async function getReport({ ctx, input }: { ctx: ServiceContext; input: ReportQuery }): Promise<Report> {
  const { from, to } = reportPeriod(input, MAX_DAYS);
  return withTenant(ctx, "reports:read", async (tx, p) => {
    // A team or channel to narrow to must be this workspace's: another workspace's id is a 404, as everywhere.
    if (input.team_id) await findTeamRow(tx, p.tenant.id, input.team_id);
    if (input.channel_id && (await tx.execute(sql`select 1 from channels where id = ${input.channel_id}::uuid`)).rows.length === 0) throw new AppError("NOT_FOUND", "Channel not found", { field: "channel_id" });
    const scope = sql`c.tenant_id = ${p.tenant.id}::uuid and c.created_at >= ${from.toISOString()}::timestamptz and c.created_at < ${to.toISOString()}::timestamptz
      ${input.team_id ? sql`and c.team_id = ${input.team_id}::uuid` : sql``} ${input.channel_id ? sql`and c.channel_id = ${input.channel_id}::uuid` : sql``}`;
    const breached = sql`exists (select 1 from sla_events e where e.conversation_id = c.id and e.kind = 'breached')`;
    const q = async (s: ReturnType<typeof sql>) => (await tx.execute(s)).rows as Array<Record<string, unknown>>;
    const [times] = await q(sql`select
        count(c.first_response_at) as fr_count,
        percentile_cont(0.5) within group (order by extract(epoch from c.first_response_at - c.created_at)) as fr_median,
        percentile_cont(0.9) within group (order by extract(epoch from c.first_response_at - c.created_at)) as fr_p90,
        count(c.resolved_at) filter (where c.state = 'resolved') as res_count,
        percentile_cont(0.5) within group (order by extract(epoch from c.resolved_at - c.created_at)) filter (where c.state = 'resolved') as res_median,
        percentile_cont(0.9) within group (order by extract(epoch from c.resolved_at - c.created_at)) filter (where c.state = 'resolved') as res_p90
      from conversations c where ${scope}`);
    const byTeam = await q(sql`select c.team_id, coalesce(t.name, 'No team') as name, count(*) as total, count(*) filter (where ${breached}) as breached
      from conversations c join conversation_slas s on s.conversation_id = c.id left join teams t on t.id = c.team_id
      where ${scope} group by c.team_id, t.name order by total desc limit 50`);
    const byChannel = await q(sql`select ch.id as channel_id, ch.name, ch.type, count(*) as total, count(*) filter (where ${breached}) as breached
      from conversations c join conversation_slas s on s.conversation_id = c.id join channels ch on ch.id = c.channel_id
      where ${scope} group by ch.id, ch.name, ch.type order by total desc limit 50`);
    const metrics = await q(sql`select e.metric, count(*) as n from sla_events e join conversations c on c.id = e.conversation_id
      where ${scope} and e.kind = 'breached' group by e.metric order by e.metric`);
    const priorities = await q(sql`select coalesce(c.priority, 'none') as priority, count(*) as n from conversations c where ${scope} group by 1 order by 1`);
    const daily = await q(sql`select to_char(date_trunc('day', c.created_at at time zone 'UTC'), 'YYYY-MM-DD') as day, count(*) as total, count(*) filter (where ${breached}) as breached
      from conversations c where ${scope} group by 1 order by 1`);
    const teamRows = byTeam.map((r) => ({ team_id: (r.team_id as string | null) ?? null, name: String(r.name), conversations: int(r.total), breached: int(r.breached), attainment_pct: pct(int(r.total), int(r.breached)) }));
    const total = teamRows.reduce((n, r) => n + r.conversations, 0);
    const totalBreached = teamRows.reduce((n, r) => n + r.breached, 0);
    return {
      period: { from: from.toISOString(), to: to.toISOString() },
      first_response: { count: int(times?.fr_count), median_s: numOrNull(times?.fr_median), p90_s: numOrNull(times?.fr_p90) },
      resolution: { count: int(times?.res_count), median_s: numOrNull(times?.res_median), p90_s: numOrNull(times?.res_p90) },
      sla: {
        conversations: total,
        breached: totalBreached,
        attainment_pct: pct(total, totalBreached),
        by_team: teamRows,
        by_channel: byChannel.map((r) => ({ channel_id: String(r.channel_id), name: String(r.name), type: String(r.type), conversations: int(r.total), breached: int(r.breached), attainment_pct: pct(int(r.total), int(r.breached)) })),
        breaches_by_metric: metrics.map((r) => ({ metric: String(r.metric), count: int(r.n) })),
      },
      volume_by_priority: priorities.map((r) => ({ priority: String(r.priority), count: int(r.n) })),
      daily: daily.map((r) => ({ date: String(r.day), conversations: int(r.total), breached: int(r.breached) })),
    };
  });
}
