import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { unauthorized } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { getMe } from "../../services/auth/me";
import { listAutomationRules } from "../../services/automation/rules";
import type { AutomationRule } from "../../services/automation/model";
import { roleAllows } from "../../services/permissions";
import { listSlaPolicies } from "../../services/sla/policies";
import type { SlaPolicy } from "../../services/sla/model";
import type { Team } from "../../services/teams/model";
import { listTeams } from "../../services/teams/teams";
import { ensureCsrfToken } from "../csrf";
import { CsrfField } from "../forms";
import { Layout, render } from "../layout";
import { AppNav } from "./app-nav";

type C = Context<AppEnv>;

const CSS = `
.st-forms form{display:flex;flex-direction:column;gap:.55rem;max-width:34rem}
.st-forms label{font-weight:600}
.st-forms input,.st-forms select{font:inherit;padding:.45rem .6rem;border:1.5px solid #8792a6;border-radius:8px}
.st-row{display:flex;gap:.75rem;flex-wrap:wrap}.st-row>div{display:flex;flex-direction:column;gap:.3rem;flex:1 1 9rem}
.st-days{display:flex;gap:.6rem;flex-wrap:wrap;font-weight:400}.st-days label{font-weight:400;display:flex;gap:.25rem;align-items:center}
.st-forms input[type=checkbox]{padding:0;border:0;width:1rem;height:1rem;margin:0}
.st-check{display:flex;gap:.45rem;align-items:center}.st-forms .st-check{font-weight:400}
.st-days legend{font-weight:600;padding:0 .3rem}fieldset.st-days{border:1.5px solid #d5dae3;border-radius:8px;padding:.5rem .8rem}
.st-inline{display:inline}
details.st-add{margin-top:1rem}details.st-add summary{cursor:pointer;font-weight:600}
`;

export const WEEKDAY_NAMES = [["mon", "Mon"], ["tue", "Tue"], ["wed", "Wed"], ["thu", "Thu"], ["fri", "Fri"], ["sat", "Sat"], ["sun", "Sun"]] as const;

/** 5400 → "1 h 30 min"; the targets are typed in minutes and hours on the form. */
export function duration(s: number | null): string {
  if (s === null) return "—";
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return h && m ? `${h} h ${m} min` : h ? `${h} h` : `${m} min`;
}

function hoursOf(p: SlaPolicy): string {
  const bh = p.business_hours;
  if (!bh) return "Around the clock";
  const days = bh.weekly.map((w) => w.day);
  const first = bh.weekly[0];
  const same = first && bh.weekly.every((w) => w.open === first.open && w.close === first.close);
  return `${same ? `${days.join(", ")} ${first!.open}–${first!.close}` : `${bh.weekly.length} periods a week`} (${bh.timezone})${bh.holidays?.length ? `, ${bh.holidays.length} holidays` : ""}`;
}

const DeleteButton = ({ action, csrf, label }: { action: string; csrf: string; label: string }) => (
  <form method="post" action={action} class="st-inline">
    <CsrfField token={csrf} />
    <button type="submit" class="secondary" aria-label={label}>Delete</button>
  </form>
);

const TeamsCard = ({ teams, csrf, canWrite }: { teams: Team[]; csrf: string; canWrite: boolean }) => (
  <section class="card" aria-labelledby="teams-title">
    <h2 id="teams-title">Teams</h2>
    <p class="lead">Where escalated conversations go, and how each team hands them to its online agents.</p>
    {teams.length === 0 ? (
      <p class="empty">No teams yet: escalated conversations wait in the workspace queue.</p>
    ) : (
      <div class="table-wrap" role="region" aria-labelledby="teams-title" tabindex={0}>
        <table>
          <thead>
            <tr><th scope="col">Team</th><th scope="col">Routing</th><th scope="col">Members</th><th scope="col">Skills</th><th scope="col">Overflow to</th><th scope="col">Waiting</th>{canWrite ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}</tr>
          </thead>
          <tbody>
            {teams.map((t) => (
              <tr>
                <th scope="row">{t.name}{t.is_active ? null : <div class="hint">inactive</div>}</th>
                <td>{t.routing.replace("_", " ")}</td>
                <td>{t.members.length === 0 ? "—" : t.members.map((m) => m.name ?? m.email).join(", ")}</td>
                <td>{t.default_skills.join(", ") || "—"}</td>
                <td>{teams.find((x) => x.id === t.escalation_team_id)?.name ?? "—"}</td>
                <td>{t.waiting}</td>
                {canWrite ? <td><DeleteButton action={`/app/settings/teams/${t.id}/delete`} csrf={csrf} label={`Delete team ${t.name}`} /></td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
    {canWrite ? (
      <details class="st-add st-forms" open={teams.length === 0}>
        <summary>Add a team</summary>
        <form method="post" action="/app/settings/teams">
          <CsrfField token={csrf} />
          <label for="team-name">Name</label>
          <input id="team-name" name="name" required maxlength={100} />
          <label for="team-routing">Routing</label>
          <select id="team-routing" name="routing">
            <option value="round_robin">Round robin: the online agent who has waited longest</option>
            <option value="least_busy">Least busy: the online agent with the fewest open conversations</option>
            <option value="skills">Skills: an agent with every skill the conversation needs</option>
            <option value="manual">Manual: agents pick from the team queue</option>
          </select>
          <label for="team-skills">Default skills <span class="optional">(comma separated)</span></label>
          <input id="team-skills" name="default_skills" maxlength={1000} />
          <label for="team-overflow">Overflow to <span class="optional">(when nobody here is online)</span></label>
          <select id="team-overflow" name="escalation_team_id">
            <option value="">No overflow</option>
            {teams.map((t) => <option value={t.id}>{t.name}</option>)}
          </select>
          <button type="submit">Add team</button>
        </form>
      </details>
    ) : null}
  </section>
);

const PoliciesCard = ({ policies, csrf, canWrite }: { policies: SlaPolicy[]; csrf: string; canWrite: boolean }) => (
  <section class="card" aria-labelledby="sla-title">
    <h2 id="sla-title">SLA policies</h2>
    <p class="lead">Response and resolution targets, counted in business hours; the clocks pause while you wait on the customer.</p>
    {policies.length === 0 ? (
      <p class="empty">No SLA policy yet: conversations have no targets.</p>
    ) : (
      <div class="table-wrap" role="region" aria-labelledby="sla-title" tabindex={0}>
        <table>
          <thead>
            <tr><th scope="col">Policy</th><th scope="col">First response</th><th scope="col">Next response</th><th scope="col">Resolution</th><th scope="col">Business hours</th><th scope="col">Applies to</th>{canWrite ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}</tr>
          </thead>
          <tbody>
            {policies.map((p) => (
              <tr>
                <th scope="row">{p.name}{p.is_default ? <div class="hint">default</div> : null}{p.enabled ? null : <div class="hint">disabled</div>}</th>
                <td>{duration(p.first_response_s)}</td>
                <td>{duration(p.next_response_s)}</td>
                <td>{duration(p.resolution_s)}</td>
                <td>{hoursOf(p)}</td>
                <td>{[p.match.channel_types?.join(", "), p.match.priorities?.join(", ")].filter(Boolean).join(" · ") || (p.is_default ? "everything else" : "all conversations")}</td>
                {canWrite ? <td><DeleteButton action={`/app/settings/sla/${p.id}/delete`} csrf={csrf} label={`Delete policy ${p.name}`} /></td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
    {canWrite ? (
      <details class="st-add st-forms" open={policies.length === 0}>
        <summary>Add a policy</summary>
        <form method="post" action="/app/settings/sla">
          <CsrfField token={csrf} />
          <label for="sla-name">Name</label>
          <input id="sla-name" name="name" required maxlength={200} />
          <div class="st-row">
            <div><label for="sla-first">First response (minutes)</label><input id="sla-first" name="first_response_min" type="number" min={1} max={527040} required /></div>
            <div><label for="sla-next">Next response (minutes) <span class="optional">optional</span></label><input id="sla-next" name="next_response_min" type="number" min={1} max={527040} /></div>
            <div><label for="sla-res">Resolution (hours) <span class="optional">optional</span></label><input id="sla-res" name="resolution_h" type="number" min={1} max={8784} /></div>
          </div>
          <label for="sla-tz">Business hours time zone <span class="optional">(empty: around the clock)</span></label>
          <input id="sla-tz" name="timezone" maxlength={64} placeholder="e.g. Europe/Madrid" />
          <fieldset class="st-days">
            <legend>Open on</legend>
            {WEEKDAY_NAMES.map(([v, label], i) => <label><input type="checkbox" name={`day_${v}`} value="on" checked={i < 5} /> {label}</label>)}
          </fieldset>
          <div class="st-row">
            <div><label for="sla-open">Opens</label><input id="sla-open" name="open" type="time" value="09:00" /></div>
            <div><label for="sla-close">Closes</label><input id="sla-close" name="close" type="time" value="17:00" /></div>
          </div>
          <label class="st-check"><input type="checkbox" name="is_default" value="on" checked={policies.length === 0} /> Default policy (used when no other policy matches)</label>
          <button type="submit">Add policy</button>
        </form>
      </details>
    ) : null}
  </section>
);

const RulesCard = ({ rules }: { rules: AutomationRule[] }) => (
  <section class="card" aria-labelledby="rules-title">
    <h2 id="rules-title">Automation rules</h2>
    <p class="lead">What happens on a trigger (an SLA warning or breach, a new conversation…). Rules are written over the API: <a href="/docs">POST /v1/automation-rules</a>.</p>
    {rules.length === 0 ? (
      <p class="empty">No rules yet.</p>
    ) : (
      <div class="table-wrap" role="region" aria-labelledby="rules-title" tabindex={0}>
        <table>
          <thead><tr><th scope="col">Rule</th><th scope="col">Trigger</th><th scope="col">Actions</th><th scope="col">State</th></tr></thead>
          <tbody>
            {rules.map((r) => (
              <tr>
                <th scope="row">{r.name}</th>
                <td><code>{r.trigger}</code></td>
                <td>{r.actions.map((a) => String(a.type ?? "?")).join(", ")}</td>
                <td>{r.enabled ? "enabled" : "disabled"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
  </section>
);

/** GET /app/settings: the workspace's teams, SLA policies and automation rules, with add and delete for those who may change them. */
export async function renderSettings(c: C, opts: { error?: string; notice?: string } = {}, status: ContentfulStatusCode = 200) {
  const ctx = c.get("ctx");
  const me = await getMe({ ctx });
  if (!me.user || !me.role) throw unauthorized();
  const csrf = ensureCsrfToken(c);
  const teams = await listTeams({ ctx });
  const policies = await listSlaPolicies({ ctx, input: { limit: 100 } });
  const rules = await listAutomationRules({ ctx, input: { limit: 100 } });
  return render(
    c,
    <Layout title={`Teams and SLA · ${me.tenant.name}`} hasErrors={!!opts.error} signedIn={{ email: me.user.email, csrf }}>
      <style dangerouslySetInnerHTML={{ __html: CSS }} />
      <AppNav current="settings" role={me.role} />
      <div class="ws-head">
        <div>
          <h1>Teams and SLA</h1>
          <p class="lead">Who answers escalated conversations, how fast, and what happens when a target is missed.</p>
        </div>
      </div>
      {opts.notice ? <div class="notice" role="status"><p>{opts.notice}</p></div> : null}
      {opts.error ? <div class="error-summary" role="alert"><p>{opts.error}</p></div> : null}
      <TeamsCard teams={teams.data} csrf={csrf} canWrite={roleAllows(me.role, "members:write")} />
      <PoliciesCard policies={policies.data} csrf={csrf} canWrite={roleAllows(me.role, "sla:write")} />
      <RulesCard rules={rules.data} />
    </Layout>,
    status,
  );
}
