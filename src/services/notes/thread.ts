import { sql } from "drizzle-orm";
import { withTenant } from "../access";
import type { ServiceContext } from "../context";
import { routeConversation } from "../routing";
import { authorOf } from "../tickets/author";
import { AppError } from "../../lib/errors";
import { listNotesIn } from "./notes";

/** What the thread page shows beside the messages: internal notes, the teams, and the assignment history. */
export async function threadTeamwork({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return withTenant(ctx, "conversations:read", async (tx, p) => {
    const notes = await listNotesIn(tx, p.tenant.id, input.id);
    const teams = await tx.execute<{ id: string; name: string }>(sql`select id, name from teams where tenant_id = ${p.tenant.id}::uuid order by name`);
    const history = await tx.execute<{ agent_id: string; team_id: string | null; assigned_by: string; reason: string | null; assigned_at: string; unassigned_at: string | null; unassignment_reason: string | null }>(sql`
      select agent_id, team_id, assigned_by, reason, assigned_at, unassigned_at, unassignment_reason from assignments
      where tenant_id = ${p.tenant.id}::uuid and conversation_id = ${input.id}::uuid order by assigned_at desc limit 20`);
    return { notes, teams: teams.rows, history: history.rows };
  });
}

/** A person sends the conversation to a team: it is routed there by the team's mode (a transfer). */
export async function sendToTeam({ ctx, input }: { ctx: ServiceContext; input: { id: string; team_id: string } }) {
  const routed = await withTenant(ctx, "conversations:write", async (tx, p) =>
    routeConversation(tx, p.tenant.id, input.id, { teamId: input.team_id, assignedBy: "transfer", reason: "sent to the team from the inbox" }, authorOf(ctx, p)),
  );
  if (routed.status === "unrouted") throw new AppError("VALIDATION_FAILED", "Choose a team", { field: "team_id" });
  return routed;
}
