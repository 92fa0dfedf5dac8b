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
import { CHANNEL_TYPE_LABELS, InboxScript, isState, STATE_LABELS, viewer, When } from "./inbox-parts";
import { forbiddenPage } from "./status";

const PAGE_SIZE = 50;

const inboxHref = (state?: ConversationState, cursor?: string) => {
  const q = new URLSearchParams();
  if (state) q.set("state", state);
  if (cursor) q.set("cursor", cursor);
  const s = q.toString();
  return s ? `/app/inbox?${s}` : "/app/inbox";
};

const StateTabs = ({ current }: { current?: ConversationState }) => (
  <nav class="tabs" aria-label="Conversations by state">
    <a href="/app/inbox" aria-current={current ? undefined : "page"}>All</a>
    {CONVERSATION_STATES.map((s) => (
      <a href={inboxHref(s)} aria-current={current === s ? "page" : undefined}>
        {STATE_LABELS[s]}
      </a>
    ))}
  </nav>
);

const ConversationRows = ({ rows, labels }: { rows: Conversation[]; labels: InboxLabels }) => (
  <div class="table-wrap" role="region" aria-labelledby="inbox-title" tabindex={0}>
    <table>
      <caption class="visually-hidden">Conversations, most recent activity first</caption>
      <thead>
        <tr><th scope="col">Contact</th><th scope="col">Channel</th><th scope="col">Last message</th><th scope="col">State</th><th scope="col">Assignee</th></tr>
      </thead>
      <tbody>
        {rows.map((conv) => {
          const channel = labels.channels[conv.channel_id];
          return (
            <tr>
              <th scope="row"><a href={`/app/inbox/${conv.id}`}>{labels.contacts[conv.contact_id] ?? "Unknown contact"}</a></th>
              <td>{channel ? `${channel.name} (${CHANNEL_TYPE_LABELS[channel.type] ?? channel.type})` : "—"}</td>
              <td><When iso={conv.last_message_at} /></td>
              <td><span class={`pill state-${conv.state}`}>{STATE_LABELS[conv.state]}</span></td>
              <td>{conv.assignee_id ? (labels.people[conv.assignee_id] ?? "Former member") : <span class="muted">Unassigned</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  </div>
);

/** `/app/inbox?state=&cursor=`: conversations by most recent activity, one state or all. */
export async function renderInbox(c: Context<AppEnv>) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const ctx = c.get("ctx");
  const me = await viewer(c);
  if (!roleAllows(me.role, "conversations:read")) return forbiddenPage(c, "Your role cannot view conversations.");
  const stateParam = c.req.query("state");
  const state = isState(stateParam) ? stateParam : undefined;
  let cursor = c.req.query("cursor") || undefined;

  let page;
  try {
    page = await listConversations({ ctx, input: { state, cursor, limit: PAGE_SIZE } });
  } catch (err) {
    // A mangled cursor (edited URL) just starts from the top.
    if (!(err instanceof AppError && err.details?.field === "cursor")) throw err;
    cursor = undefined;
    page = await listConversations({ ctx, input: { state, limit: PAGE_SIZE } });
  }
  const labels = await inboxLabels({
    ctx,
    input: { contactIds: page.data.map((x) => x.contact_id), channelIds: page.data.map((x) => x.channel_id), userIds: page.data.map((x) => x.assignee_id) },
  });
  // Changes whenever anything shown changes: the script swaps the list only then.
  const signature = fingerprint(JSON.stringify([page.data.map((x) => [x.id, x.state, x.assignee_id, x.last_message_at, x.message_count]), page.next_cursor]));
  const heading = state ? STATE_LABELS[state] : "All conversations";

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
      <StateTabs current={state} />
      <section class="card" id="inbox-list" aria-labelledby="inbox-title" data-inbox-list data-signature={signature}>
        <h2 id="inbox-title">{heading}</h2>
        {page.data.length === 0 ? (
          <p class="empty">{state ? `No conversations are ${STATE_LABELS[state].toLowerCase()}.` : "No conversations yet. They appear here when customers write to one of your channels."}</p>
        ) : (
          <ConversationRows rows={page.data} labels={labels} />
        )}
        {cursor || page.next_cursor ? (
          <nav class="pager" aria-label="More conversations">
            {cursor ? <a href={inboxHref(state)}>Newest conversations</a> : null}
            {page.next_cursor ? <a href={inboxHref(state, page.next_cursor)}>Older conversations</a> : null}
          </nav>
        ) : null}
      </section>
      <p id="live-status" class="hint live-status" role="status"></p>
      <InboxScript />
    </Layout>,
  );
}
