import type { Context } from "hono";
import { CONVERSATION_STATES, type ConversationState } from "../../db/schema";
import type { AppEnv } from "../../routes/hono-env";
import type { Conversation } from "../../services/conversations/model";
import { attachSlaBadges, SlaBadge } from "./inbox-sla";
import type { InboxLabels } from "../../services/inbox/labels";
import { AppError, unauthorized } from "../../lib/errors";
import { ensureCsrfToken } from "../csrf";
import { QUEUE_VIEWS, type QueueFacets, type QueueView } from "../../services/routing/queue";
import { inboxQueuePage } from "../../services/inbox/queue-page";
import { fingerprint } from "../assets/serve";
import { PRESENCE_JS_PATH } from "../assets/presence-script";
import { CsrfField } from "../forms";
import { Layout, render } from "../layout";
import { requireSession } from "../session";
import { AppNav } from "./app-nav";
import { CHANNEL_TYPE_LABELS, InboxScript, InboxStyles, isPriority, LanguageTag, PRIORITIES, PriorityBadge, SentimentTag, isState, STATE_LABELS, UUID, When } from "./inbox-parts";
import { forbiddenPage } from "./status";

const PAGE_SIZE = 50;

const VIEW_LABELS: Record<QueueView, string> = { mine: "Mine", teams: "My teams", unassigned: "Unassigned", all: "All" };
const isView = (v: string | undefined): v is QueueView => !!v && (QUEUE_VIEWS as readonly string[]).includes(v);

interface Filters {
  view: QueueView;
  state?: ConversationState;
  priority?: string;
  team?: string;
  channel?: string;
  language?: string;
  page?: number;
}

const inboxHref = (f: Filters) => {
  const q = new URLSearchParams();
  if (f.view !== "all") q.set("view", f.view);
  if (f.state) q.set("state", f.state);
  if (f.priority) q.set("priority", f.priority);
  if (f.team) q.set("team", f.team);
  if (f.channel) q.set("channel", f.channel);
  if (f.language) q.set("language", f.language);
  if (f.page && f.page > 1) q.set("page", String(f.page));
  const s = q.toString();
  return s ? `/app/inbox?${s}` : "/app/inbox";
};

const ViewTabs = ({ f }: { f: Filters }) => (
  <nav class="tabs" aria-label="Queues">
    {QUEUE_VIEWS.map((v) => (
      <a href={inboxHref({ ...f, view: v, page: undefined })} aria-current={f.view === v ? "page" : undefined}>
        {VIEW_LABELS[v]}
      </a>
    ))}
  </nav>
);

/** Links, not a script: each keeps the other filters and starts from the most urgent conversation. */
const PriorityFilter = ({ f }: { f: Filters }) => (
  <nav class="filters" aria-label="Conversations by priority">
    <span>Priority</span>
    <a href={inboxHref({ ...f, priority: undefined, page: undefined })} aria-current={f.priority ? undefined : "page"}>Any</a>
    {PRIORITIES.map((p) => (
      <a href={inboxHref({ ...f, priority: p, page: undefined })} aria-current={f.priority === p ? "page" : undefined}>
        <PriorityBadge priority={p} />
      </a>
    ))}
  </nav>
);

type Facets = QueueFacets;

/** A plain GET form (works without script): each filter narrows the current queue. */
const FilterForm = ({ f, facets }: { f: Filters; facets: Facets }) => (
  <form method="get" action="/app/inbox" class="queue-filters" aria-label="Filter conversations">
    {f.view !== "all" ? <input type="hidden" name="view" value={f.view} /> : null}
    <div class="field">
      <label for="f-state">State</label>
      <select id="f-state" name="state">
        {/* "All" lists resolved conversations too; the other views only open ones. */}
        <option value="">{f.view === "all" ? "Any state" : "Any open"}</option>
        {CONVERSATION_STATES.map((s) => <option value={s} selected={f.state === s}>{STATE_LABELS[s]}</option>)}
      </select>
    </div>
    {f.priority ? <input type="hidden" name="priority" value={f.priority} /> : null}
    <div class="field">
      <label for="f-team">Team</label>
      <select id="f-team" name="team">
        <option value="">Any</option>
        {facets.teams.map((t) => <option value={t.id} selected={f.team === t.id}>{t.name}{t.mine ? " (mine)" : ""}</option>)}
      </select>
    </div>
    <div class="field">
      <label for="f-channel">Channel</label>
      <select id="f-channel" name="channel">
        <option value="">Any</option>
        {facets.channels.map((ch) => <option value={ch.id} selected={f.channel === ch.id}>{ch.name} ({CHANNEL_TYPE_LABELS[ch.type] ?? ch.type})</option>)}
      </select>
    </div>
    <div class="field">
      <label for="f-language">Language</label>
      <select id="f-language" name="language">
        <option value="">Any</option>
        {facets.languages.map((l) => <option value={l} selected={f.language === l}>{l}</option>)}
      </select>
    </div>
    <button type="submit" class="secondary">Filter</button>
    {f.state || f.priority || f.team || f.channel || f.language ? <a href={inboxHref({ view: f.view })}>Clear filters</a> : null}
  </form>
);

const AVAILABILITY_LABELS = { online: "Online", away: "Away", offline: "Offline" } as const;

/** The agent's own availability: online agents get conversations routed to them. */
const AvailabilityForm = ({ current, csrf, back }: { current: keyof typeof AVAILABILITY_LABELS; csrf: string; back: string }) => (
  <form method="post" action="/app/inbox/availability" class="availability" aria-label="Your availability">
    <CsrfField token={csrf} />
    <input type="hidden" name="back" value={back} />
    <span class={`presence presence-${current}`} aria-hidden="true" />
    <label for="availability">You are</label>
    <select id="availability" name="availability">
      {(["online", "away", "offline"] as const).map((a) => <option value={a} selected={current === a}>{AVAILABILITY_LABELS[a]}</option>)}
    </select>
    <button type="submit" class="secondary">Set</button>
  </form>
);

const QUEUE_CSS = `
.queue-filters{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:end;margin:-.25rem 0 1.25rem}.queue-filters .field{margin:0}
.queue-filters label{font-size:.8rem;margin-bottom:.15rem}.queue-filters select{min-height:2.25rem;padding:.3rem .5rem;font-size:.9rem}
.queue-filters button{min-height:2.25rem;padding:.3rem .8rem}
.availability{display:flex;align-items:center;gap:.5rem;flex-shrink:0}.availability label{margin:0;font-weight:600;white-space:nowrap}.availability select{min-height:2.25rem;padding:.3rem .5rem}
.presence{display:inline-block;flex:none;width:.7rem;height:.7rem;border-radius:50%;border:1.5px solid var(--text)}
.presence-online{background:#12805c}.presence-away{background:#f5b300}.presence-offline{background:transparent}
`;

const ConversationRows = ({ rows, labels, teamNames }: { rows: Conversation[]; labels: InboxLabels; teamNames: Record<string, string> }) => (
  <div class="table-wrap" role="region" aria-labelledby="inbox-title" tabindex={0}>
    <table>
      <caption class="visually-hidden">Conversations, most urgent first: priority, then the nearest SLA due time, then the longest wait</caption>
      <thead>
        <tr><th scope="col">Contact</th><th scope="col">Priority</th><th scope="col">Language</th><th scope="col">Sentiment</th><th scope="col">Channel</th><th scope="col">Last message</th><th scope="col">State</th><th scope="col">Team</th><th scope="col">Assignee</th></tr>
      </thead>
      <tbody>
        {rows.map((conv) => {
          const channel = labels.channels[conv.channel_id];
          return (
            <tr class={conv.state === "escalated" ? "escalated" : undefined} data-priority={conv.priority ?? undefined}>
              <th scope="row"><a href={`/app/inbox/${conv.id}`}>{labels.contacts[conv.contact_id] ?? "Unknown contact"}</a></th>
              <td><PriorityBadge priority={conv.priority} /><SlaBadge conv={conv} /></td>
              <td><LanguageTag code={conv.language} /></td>
              <td><SentimentTag label={conv.sentiment?.label} /></td>
              <td>{channel ? `${channel.name} (${CHANNEL_TYPE_LABELS[channel.type] ?? channel.type})` : "—"}</td>
              <td><When iso={conv.last_message_at} /></td>
              <td>
                <span class={`pill state-${conv.state}`}>{conv.state === "escalated" ? "⚑ Escalated" : STATE_LABELS[conv.state]}</span>
                {conv.bot_paused && conv.state !== "resolved" ? <span class="visually-hidden"> (bot paused)</span> : null}
              </td>
              <td>{conv.team_id ? (teamNames[conv.team_id] ?? "—") : <span class="muted">—</span>}</td>
              <td>{conv.assignee_id ? (labels.people[conv.assignee_id] ?? "Former member") : <span class="muted">Unassigned</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  </div>
);

/** The filters as given in the URL; anything malformed is simply ignored (an edited URL never errors). */
function readFilters(c: Context<AppEnv>): Filters {
  const q = (k: string) => c.req.query(k) || undefined;
  const view = q("view");
  const state = q("state");
  const priority = q("priority");
  const team = q("team");
  const channel = q("channel");
  const language = q("language");
  const page = Number(q("page") ?? "1");
  return {
    view: isView(view) ? view : "all",
    state: isState(state) ? state : undefined,
    priority: isPriority(priority) ? priority : undefined,
    team: team && UUID.test(team) ? team : undefined,
    channel: channel && UUID.test(channel) ? channel : undefined,
    language: language && /^[a-z]{2,3}$/.test(language) ? language : undefined,
    page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
  };
}

/**
 * `/app/inbox?view=mine|teams|unassigned|all&state=&priority=&team=&channel=&language=&page=`: the
 * agent's queues ordered like seed 002's `v_agent_queue`, with the agent's availability toggle.
 */
export async function renderInbox(c: Context<AppEnv>) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const ctx = c.get("ctx");
  const f = readFilters(c);
  // The whole page in one round trip (the credential check decides what its reads see).
  let view: Awaited<ReturnType<typeof inboxQueuePage>>;
  try {
    view = await inboxQueuePage({ ctx, input: { view: f.view, state: f.state, priority: f.priority, team_id: f.team, channel_id: f.channel, language: f.language, page: f.page, limit: PAGE_SIZE } });
  } catch (err) {
    if (err instanceof AppError && err.code === "FORBIDDEN") return forbiddenPage(c, "Your role cannot view conversations.");
    throw err;
  }
  if (!view.user || !view.role) throw unauthorized();
  const me = { email: view.user.email, role: view.role, tenant: view.tenant, csrf: ensureCsrfToken(c) };
  const { facets, labels } = view;
  const page = { ...view.queue, data: attachSlaBadges(view.queue.data, view.slaViews, view.slaTargets) };
  const teamNames = Object.fromEntries(facets.teams.map((t) => [t.id, t.name]));
  // Changes whenever anything shown changes: the script swaps the list only then.
  const signature = fingerprint(JSON.stringify([page.data.map((x) => [x.id, x.state, x.assignee_id, x.team_id, x.last_message_at, x.message_count, x.priority, x.language, x.sentiment?.label]), page.has_more]));
  const parts = [f.state ? STATE_LABELS[f.state] : null, f.priority ? `priority ${f.priority}` : null, f.team ? teamNames[f.team] : null, f.language ? `language ${f.language}` : null].filter(Boolean);
  const heading = `${VIEW_LABELS[f.view]}${f.view === "all" ? " conversations" : ""}${parts.length ? `: ${parts.join(", ")}` : ""}`;
  const empty = f.priority
    ? `No ${f.state ? `${STATE_LABELS[f.state].toLowerCase()} ` : ""}conversations have priority ${f.priority}.`
    : f.state
      ? `No conversations are ${STATE_LABELS[f.state].toLowerCase()}.`
      : f.view === "mine" ? "Nothing is assigned to you. Set yourself online to get conversations routed to you." : f.view === "teams" ? "Your teams have nothing open right now." : f.view === "unassigned" ? "Every open conversation has someone." : "No conversations match.";

  return render(
    c,
    <Layout title={`Inbox: ${heading}`} signedIn={{ email: me.email, csrf: me.csrf }}>
      <AppNav current="inbox" role={me.role} />
      <div class="ws-head">
        <div>
          <h1>Inbox</h1>
          <p class="lead">{me.tenant.name}</p>
        </div>
        {facets.memberId ? <AvailabilityForm current={facets.availability} csrf={me.csrf} back={inboxHref(f)} /> : null}
      </div>
      <InboxStyles />
      <style dangerouslySetInnerHTML={{ __html: QUEUE_CSS }} />
      <ViewTabs f={f} />
      <PriorityFilter f={f} />
      <FilterForm f={f} facets={facets} />
      <section class="card" id="inbox-list" aria-labelledby="inbox-title" data-inbox-list data-signature={signature}>
        <h2 id="inbox-title">{heading}</h2>
        {page.data.length === 0 ? <p class="empty">{f.page && f.page > 1 ? "No more conversations." : empty}</p> : <ConversationRows rows={page.data} labels={labels} teamNames={teamNames} />}
        {(f.page ?? 1) > 1 || page.has_more ? (
          <nav class="pager" aria-label="More conversations">
            {(f.page ?? 1) > 1 ? <a href={inboxHref({ ...f, page: (f.page ?? 1) - 1 })}>More urgent</a> : null}
            {page.has_more ? <a href={inboxHref({ ...f, page: (f.page ?? 1) + 1 })}>Less urgent</a> : null}
          </nav>
        ) : null}
      </section>
      <p id="live-status" class="hint live-status" role="status"></p>
      <InboxScript />
      <script src={PRESENCE_JS_PATH} defer />
    </Layout>,
  );
}
