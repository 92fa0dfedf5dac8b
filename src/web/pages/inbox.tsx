import type { Context } from "hono";
import { CONVERSATION_STATES, type ConversationState } from "../../db/schema";
import { AppError } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import type { Conversation } from "../../services/conversations/model";
import { listConversations } from "../../services/conversations/conversations";
import { inboxLabels, type InboxLabels } from "../../services/inbox/labels";
import { roleAllows } from "../../services/permissions";
import { fingerprint } from "../assets/serve";
import { Layout, render } from "../layout";
import { requireSession } from "../session";
import { AppNav } from "./app-nav";
import { CHANNEL_TYPE_LABELS, InboxScript, InboxStyles, isPriority, LanguageTag, PRIORITIES, PriorityBadge, SentimentTag, isState, STATE_LABELS, viewer, When, type PriorityLevel } from "./inbox-parts";
import { forbiddenPage } from "./status";

const PAGE_SIZE = 50;

const inboxHref = (state?: ConversationState, cursor?: string, priority?: PriorityLevel) => {
  const q = new URLSearchParams();
  if (state) q.set("state", state);
  if (priority) q.set("priority", priority);
  if (cursor) q.set("cursor", cursor);
  const s = q.toString();
  return s ? `/app/inbox?${s}` : "/app/inbox";
};

const StateTabs = ({ current, priority }: { current?: ConversationState; priority?: PriorityLevel }) => (
  <nav class="tabs" aria-label="Conversations by state">
    <a href={inboxHref(undefined, undefined, priority)} aria-current={current ? undefined : "page"}>All</a>
    {CONVERSATION_STATES.map((s) => (
      <a href={inboxHref(s, undefined, priority)} aria-current={current === s ? "page" : undefined}>
        {STATE_LABELS[s]}
      </a>
    ))}
  </nav>
);

/** Links, not a script: each keeps the chosen state and starts from the newest conversation. */
const PriorityFilter = ({ state, current }: { state?: ConversationState; current?: PriorityLevel }) => (
  <nav class="filters" aria-label="Conversations by priority">
    <span>Priority</span>
    <a href={inboxHref(state)} aria-current={current ? undefined : "page"}>Any</a>
    {PRIORITIES.map((p) => (
      <a href={inboxHref(state, undefined, p)} aria-current={current === p ? "page" : undefined}>
        <PriorityBadge priority={p} />
      </a>
    ))}
  </nav>
);

const ConversationRows = ({ rows, labels }: { rows: Conversation[]; labels: InboxLabels }) => (
  <div class="table-wrap" role="region" aria-labelledby="inbox-title" tabindex={0}>
    <table>
      <caption class="visually-hidden">Conversations, most recent activity first</caption>
      <thead>
        <tr><th scope="col">Contact</th><th scope="col">Priority</th><th scope="col">Language</th><th scope="col">Sentiment</th><th scope="col">Channel</th><th scope="col">Last message</th><th scope="col">State</th><th scope="col">Assignee</th></tr>
      </thead>
      <tbody>
        {rows.map((conv) => {
          const channel = labels.channels[conv.channel_id];
          return (
            <tr class={conv.state === "escalated" ? "escalated" : undefined} data-priority={conv.priority ?? undefined}>
              <th scope="row"><a href={`/app/inbox/${conv.id}`}>{labels.contacts[conv.contact_id] ?? "Unknown contact"}</a></th>
              <td><PriorityBadge priority={conv.priority} /></td>
              <td><LanguageTag code={conv.language} /></td>
              <td><SentimentTag label={conv.sentiment?.label} /></td>
              <td>{channel ? `${channel.name} (${CHANNEL_TYPE_LABELS[channel.type] ?? channel.type})` : "—"}</td>
              <td><When iso={conv.last_message_at} /></td>
              <td>
                <span class={`pill state-${conv.state}`}>{conv.state === "escalated" ? "⚑ Escalated" : STATE_LABELS[conv.state]}</span>
                {conv.bot_paused && conv.state !== "resolved" ? <span class="visually-hidden"> (bot paused)</span> : null}
              </td>
              <td>{conv.assignee_id ? (labels.people[conv.assignee_id] ?? "Former member") : <span class="muted">Unassigned</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  </div>
);

/** `/app/inbox?state=&priority=&cursor=`: conversations by most recent activity, one state and priority or all. */
export async function renderInbox(c: Context<AppEnv>) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const ctx = c.get("ctx");
  const me = await viewer(c);
  if (!roleAllows(me.role, "conversations:read")) return forbiddenPage(c, "Your role cannot view conversations.");
  const stateParam = c.req.query("state");
  const state = isState(stateParam) ? stateParam : undefined;
  const priorityParam = c.req.query("priority");
  const priority = isPriority(priorityParam) ? priorityParam : undefined;
  const priorities = priority ? [priority] : undefined;
  let cursor = c.req.query("cursor") || undefined;

  let page;
  try {
    page = await listConversations({ ctx, input: { state, priority: priorities, cursor, limit: PAGE_SIZE } });
  } catch (err) {
    // A mangled cursor (edited URL) just starts from the top.
    if (!(err instanceof AppError && err.details?.field === "cursor")) throw err;
    cursor = undefined;
    page = await listConversations({ ctx, input: { state, priority: priorities, limit: PAGE_SIZE } });
  }
  const labels = await inboxLabels({
    ctx,
    input: { contactIds: page.data.map((x) => x.contact_id), channelIds: page.data.map((x) => x.channel_id), userIds: page.data.map((x) => x.assignee_id) },
  });
  // Changes whenever anything shown changes: the script swaps the list only then.
  const signature = fingerprint(JSON.stringify([page.data.map((x) => [x.id, x.state, x.assignee_id, x.last_message_at, x.message_count, x.priority, x.language, x.sentiment?.label]), page.next_cursor]));
  const heading = `${state ? STATE_LABELS[state] : "All conversations"}${priority ? `, priority ${priority}` : ""}`;

  return render(
    c,
    <Layout title={state ? `Inbox: ${heading}` : "Inbox"} signedIn={{ email: me.email, csrf: me.csrf }}>
      <AppNav current="inbox" role={me.role} />
      <div class="ws-head">
        <div>
          <h1>Inbox</h1>
          <p class="lead">{me.tenant.name}</p>
        </div>
      </div>
      <InboxStyles />
      <StateTabs current={state} priority={priority} />
      <PriorityFilter state={state} current={priority} />
      <section class="card" id="inbox-list" aria-labelledby="inbox-title" data-inbox-list data-signature={signature}>
        <h2 id="inbox-title">{heading}</h2>
        {page.data.length === 0 ? (
          <p class="empty">
            {priority
              ? `No ${state ? `${STATE_LABELS[state].toLowerCase()} ` : ""}conversations have priority ${priority}.`
              : state
                ? `No conversations are ${STATE_LABELS[state].toLowerCase()}.`
                : "No conversations yet. They appear here when customers write to one of your channels."}
          </p>
        ) : (
          <ConversationRows rows={page.data} labels={labels} />
        )}
        {cursor || page.next_cursor ? (
          <nav class="pager" aria-label="More conversations">
            {cursor ? <a href={inboxHref(state, undefined, priority)}>Newest conversations</a> : null}
            {page.next_cursor ? <a href={inboxHref(state, page.next_cursor, priority)}>Older conversations</a> : null}
          </nav>
        ) : null}
      </section>
      <p id="live-status" class="hint live-status" role="status"></p>
      <InboxScript />
    </Layout>,
  );
}
