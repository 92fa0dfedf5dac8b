import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CONVERSATION_STATES } from "../../db/schema";
import { notFound } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import type { MessageContent } from "../../channels/inbound";
import { getConversation, listMessages } from "../../services/conversations/conversations";
import { SlaBadge, withSlaBadges } from "./inbox-sla";
import { contentText, type Conversation, type Message } from "../../services/conversations/model";
import { inboxLabels, type InboxLabels } from "../../services/inbox/labels";
import { listMembers, type Member } from "../../services/members/members";
import { roleAllows } from "../../services/permissions";
import { CsrfField, ErrorSummary, type FormState } from "../forms";
import { Layout, render } from "../layout";
import { requireSession } from "../session";
import { AppNav } from "./app-nav";
import { CHANNEL_TYPE_LABELS, InboxScript, InboxStyles, LanguageTag, PRIORITIES, PriorityBadge, SentimentTag, STATE_LABELS, UUID, viewer, When } from "./inbox-parts";
import { DEFAULT_INTENTS, SENTIMENT_LABELS } from "../../understanding/port";
import type { CallSummary } from "../../services/escalations/model";
import { forbiddenPage } from "./status";
import { InboxAssist } from "./inbox-assist";
import { threadTeamwork } from "../../services/notes/thread";
import { PRESENCE_JS_PATH } from "../assets/presence-script";

const PAGE_SIZE = 200;

export interface ThreadForms {
  reply?: FormState;
  state?: FormState;
  assignee?: FormState;
  /** A correction of one message's annotations; `values.message_id` says which message's form. */
  annotation?: FormState;
  /** An internal note (never sent to the customer). */
  note?: FormState;
  /** Sending the conversation to a team (routed there by the team's mode). */
  team?: FormState;
}

/** Confirmations after a redirect, chosen by key (never text from the URL). */
const DONE: Record<string, string> = { reply: "Reply sent.", state: "State changed.", assignee: "Assignee changed.", annotation: "Annotation corrected. It is kept as training data.", note: "Note added. Only your team sees it.", team: "Sent to the team." };
const DELIVERY: Record<Message["status"], string> = { received: "", pending: "Sending", sent: "Sent", delivered: "Delivered", read: "Read", failed: "Failed" };

function describedBy(id: string, hint?: string, error?: string) {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
}

const FieldError = ({ id, error }: { id: string; error?: string }) =>
  error ? (
    <p id={`${id}-error`} class="field-error">
      <span class="visually-hidden">Error: </span>
      {error}
    </p>
  ) : null;

function senderOf(m: Message, contact: string, labels: InboxLabels): string {
  if (m.direction === "inbound") return contact;
  if (m.sender_type === "bot") return "Bot";
  if (m.sender_type === "system") return "Parley";
  return (m.sender_id && labels.people[m.sender_id]) || "Agent";
}

type Teamwork = Awaited<ReturnType<typeof threadTeamwork>>;

/** Internal notes, oldest first, and the form for a new one; they live apart from messages and never reach the customer. */
const NotesSection = ({ conv, notes, labels, csrf, canWrite, state }: { conv: Conversation; notes: Teamwork["notes"]; labels: InboxLabels; csrf: string; canWrite: boolean; state?: FormState }) => (
  <section class="card notes" aria-labelledby="notes-title">
    <h2 id="notes-title">Internal notes</h2>
    <p class="hint">Only people in this workspace see these. Mention someone with @name or @email to notify them.</p>
    {notes.length === 0 ? <p class="empty">No notes yet.</p> : (
      <ol class="note-list">
        {notes.map((n) => (
          <li class="note" id={`note-${n.id}`}>
            <p class="note-meta"><strong>{n.author_id ? (labels.people[n.author_id] ?? "Former member") : n.author_type === "automation" ? "Automation" : "Parley"}</strong> · <When iso={n.created_at} /></p>
            <p class="note-body">{n.content}</p>
          </li>
        ))}
      </ol>
    )}
    {canWrite ? (
      <form method="post" action={`/app/inbox/${conv.id}/notes`} novalidate>
        <CsrfField token={csrf} />
        <ErrorSummary errors={state?.errors} fieldIds={{ content: "note-content" }} />
        <div class="field">
          <label for="note-content">Add a note</label>
          <textarea id="note-content" name="content" rows={3} maxlength={10000} aria-invalid={state?.errors?.content ? "true" : undefined} aria-describedby={describedBy("note-content", undefined, state?.errors?.content)}>{state?.values?.content ?? ""}</textarea>
          <FieldError id="note-content" error={state?.errors?.content} />
        </div>
        <button type="submit" class="secondary">Add note</button>
      </form>
    ) : null}
  </section>
);

const TeamForm = ({ conv, teams, csrf, state }: { conv: Conversation; teams: Teamwork["teams"]; csrf: string; state?: FormState }) =>
  teams.length === 0 ? null : (
    <form method="post" action={`/app/inbox/${conv.id}/team`} novalidate aria-labelledby="team-title">
      <h3 id="team-title">Team</h3>
      <CsrfField token={csrf} />
      <ErrorSummary errors={state?.errors} fieldIds={{ team_id: "team" }} />
      <div class="field">
        <label for="team">Send to team</label>
        <select id="team" name="team_id" aria-invalid={state?.errors?.team_id ? "true" : undefined} aria-describedby={describedBy("team", "team", state?.errors?.team_id)}>
          {teams.map((t) => <option value={t.id} selected={(state?.values?.team_id ?? conv.team_id) === t.id}>{t.name}</option>)}
        </select>
        <p id="team-hint" class="hint">Routed to an agent of that team by its routing mode.</p>
        <FieldError id="team" error={state?.errors?.team_id} />
      </div>
      <button type="submit" class="secondary">Send</button>
    </form>
  );

const AssignmentHistory = ({ history, labels, teams }: { history: Teamwork["history"]; labels: InboxLabels; teams: Record<string, string> }) =>
  history.length === 0 ? null : (
    <details class="history">
      <summary>Assignment history</summary>
      <ol>
        {history.map((h) => (
          <li>
            {labels.people[h.agent_id] ?? "Former member"}
            {h.team_id && teams[h.team_id] ? ` (${teams[h.team_id]})` : ""} · {h.assigned_by.replaceAll("_", " ")} · <When iso={new Date(h.assigned_at).toISOString()} />
            {h.unassigned_at ? <span class="muted">{` → ${h.unassignment_reason ?? "unassigned"}`}</span> : null}
          </li>
        ))}
      </ol>
    </details>
  );

const NOTES_CSS = `.note-list{list-style:none;padding:0;margin:0 0 1rem}.note{background:#fffbea;border:1px solid #f0d78c;border-radius:8px;padding:.5rem .75rem;margin-bottom:.5rem}
.note-meta{margin:0 0 .2rem;font-size:.85rem}.note-body{margin:0;white-space:pre-wrap}.history{margin-top:1rem}.history ol{padding-left:1.1rem;font-size:.9rem}`;

const intentLabel = (intent: string) => intent.replaceAll("_", " ");

/** One select of the correction form; the current value (or the value just posted) is preselected. */
const CorrectSelect = ({ id, name, label, options, value, error }: { id: string; name: string; label: string; options: readonly string[]; value: string; error?: string }) => (
  <div class="field">
    <label for={id}>{label}</label>
    <select id={id} name={name} aria-invalid={error ? "true" : undefined} aria-describedby={error ? `${id}-error` : undefined}>
      {options.map((o) => (
        <option value={o} selected={o === value}>{name === "intent" ? intentLabel(o) : o}</option>
      ))}
    </select>
    <FieldError id={id} error={error} />
  </div>
);

/**
 * How the message was understood, and (for people who may change conversations) a small form to say
 * what it really was. Intents offered are the default taxonomy plus the one shown, so a workspace's own
 * intent stays choosable.
 */
const Understanding = ({ m, convId, csrf, canWrite, state }: { m: Message; convId: string; csrf: string; canWrite: boolean; state?: FormState }) => {
  const a = m.annotations!;
  const mine = state?.values?.message_id === m.id ? state : undefined;
  const intents = (DEFAULT_INTENTS as readonly string[]).includes(a.intent) ? DEFAULT_INTENTS : [a.intent, ...DEFAULT_INTENTS];
  const base = `correct-${m.id.slice(0, 8)}`;
  return (
    <div class="annot" data-annotations>
      <dl aria-label="How this message was understood">
        <div><dt>Priority</dt><dd><PriorityBadge priority={a.priority} /></dd></div>
        <div><dt>Language</dt><dd><LanguageTag code={a.language} /></dd></div>
        <div><dt>Intent</dt><dd>{intentLabel(a.intent)}</dd></div>
        <div><dt>Sentiment</dt><dd><SentimentTag label={a.sentiment.label} /> <span class="muted">({a.sentiment.score.toFixed(2)})</span></dd></div>
        <div><dt>Urgency</dt><dd>{`${Math.round(a.urgency * 100)}%`}</dd></div>
        {a.entities.length ? <div><dt>Entities</dt><dd>{a.entities.map((e) => `${e.type.replaceAll("_", " ")}: ${e.value}`).join(" · ")}</dd></div> : null}
        <div><dt>Source</dt><dd>{a.corrected ? <span class="corrected">corrected by an agent</span> : a.source}</dd></div>
      </dl>
      {canWrite ? (
        <details open={mine?.errors ? true : undefined}>
          <summary>Correct</summary>
          <form method="post" action={`/app/inbox/${convId}/annotations`} novalidate aria-label="Correct this message's annotations">
            <ErrorSummary errors={mine?.errors} fieldIds={{ intent: `${base}-intent`, sentiment: `${base}-sentiment`, priority: `${base}-priority` }} />
            <CsrfField token={csrf} />
            <input type="hidden" name="message_id" value={m.id} />
            <CorrectSelect id={`${base}-intent`} name="intent" label="Intent" options={intents} value={mine?.values?.intent ?? a.intent} error={mine?.errors?.intent} />
            <CorrectSelect id={`${base}-sentiment`} name="sentiment" label="Sentiment" options={SENTIMENT_LABELS} value={mine?.values?.sentiment ?? a.sentiment.label} error={mine?.errors?.sentiment} />
            <CorrectSelect id={`${base}-priority`} name="priority" label="Priority" options={PRIORITIES} value={mine?.values?.priority ?? a.priority} error={mine?.errors?.priority} />
            <button type="submit" class="secondary">Save correction</button>
          </form>
        </details>
      ) : null}
    </div>
  );
};

const CallSummaryBox = ({ summary }: { summary: CallSummary }) => (
  <section class="summary" aria-labelledby="call-summary-title">
    <h2 id="call-summary-title">Call summary</h2>
    <p>{summary.summary}</p>
    {summary.key_points.length ? <ul aria-label="Key points">{summary.key_points.map((k) => <li>{k}</li>)}</ul> : null}
    {summary.action_items.length ? <ul aria-label="Action items">{summary.action_items.map((k) => <li>{`To do: ${k}`}</li>)}</ul> : null}
    <p class="muted">
      {[summary.overall_sentiment && `Overall sentiment: ${summary.overall_sentiment}`, summary.resolution_detected ? "Resolved" : "Not resolved", summary.language && `Language: ${summary.language}`].filter(Boolean).join(" · ")}
    </p>
  </section>
);

const MessageItem = ({ m, contact, labels, understanding }: { m: Message; contact: string; labels: InboxLabels; understanding?: { convId: string; csrf: string; canWrite: boolean; state?: FormState } }) => (
  <li class={`msg ${m.direction === "inbound" ? "in" : "out"}${m.annotations && understanding ? " annotated" : ""}`} data-message-id={m.id} id={`msg-${m.id}`}>
    <div class="msg-head">
      <span class="msg-who">{senderOf(m, contact, labels)}</span> <When iso={m.created_at} />
    </div>
    <p class="msg-text">{m.text ?? contentText(m.content as MessageContent)}</p>
    {m.direction === "outbound" ? (
      <p class="msg-status" data-status={m.status}>
        {m.status === "failed" && m.error ? `${DELIVERY.failed}: ${m.error}` : DELIVERY[m.status]}
      </p>
    ) : null}
    {m.direction === "inbound" && m.annotations && understanding ? <Understanding m={m} {...understanding} /> : null}
  </li>
);

const ReplyForm = ({ id, csrf, state = {} }: { id: string; csrf: string; state?: FormState }) => (
  <form method="post" action={`/app/inbox/${id}/reply`} novalidate aria-labelledby="reply">
    <h2 id="reply">Reply</h2>
    <ErrorSummary errors={state.errors} fieldIds={{ text: "reply-text" }} />
    <CsrfField token={csrf} />
    <div class="field">
      <label for="reply-text">Message to the customer</label>
      <p id="reply-text-hint" class="hint">Sent through the conversation's channel.</p>
      <textarea
        id="reply-text"
        name="text"
        rows={4}
        maxlength={4096}
        required
        autofocus={!!state.errors?.text}
        aria-invalid={state.errors?.text ? "true" : undefined}
        aria-describedby={describedBy("reply-text", "hint", state.errors?.text)}
      >
        {state.values?.text ?? ""}
      </textarea>
      <FieldError id="reply-text" error={state.errors?.text} />
    </div>
    <button type="submit">Send reply</button>
  </form>
);

const StateForm = ({ conv, csrf, state = {} }: { conv: Conversation; csrf: string; state?: FormState }) => (
  <form method="post" action={`/app/inbox/${conv.id}/state`} novalidate aria-labelledby="state-title">
    <h3 id="state-title">State</h3>
    <ErrorSummary errors={state.errors} fieldIds={{ state: "state" }} />
    <CsrfField token={csrf} />
    <div class="field">
      <label for="state">Move to</label>
      <select id="state" name="state" aria-invalid={state.errors?.state ? "true" : undefined} aria-describedby={describedBy("state", undefined, state.errors?.state)}>
        {CONVERSATION_STATES.map((s) => (
          <option value={s} selected={s === (state.values?.state ?? conv.state)}>{STATE_LABELS[s]}</option>
        ))}
      </select>
      <FieldError id="state" error={state.errors?.state} />
    </div>
    <button type="submit" class="secondary">Change state</button>
  </form>
);

const AssigneeForm = ({ conv, members, csrf, state = {} }: { conv: Conversation; members: Member[]; csrf: string; state?: FormState }) => {
  const current = state.values?.assignee_id ?? conv.assignee_id ?? "";
  return (
    <form method="post" action={`/app/inbox/${conv.id}/assignee`} novalidate aria-labelledby="assignee-title">
      <h3 id="assignee-title">Assignee</h3>
      <ErrorSummary errors={state.errors} fieldIds={{ assignee_id: "assignee" }} />
      <CsrfField token={csrf} />
      <div class="field">
        <label for="assignee">Assign to</label>
        <select id="assignee" name="assignee_id" aria-invalid={state.errors?.assignee_id ? "true" : undefined} aria-describedby={describedBy("assignee", undefined, state.errors?.assignee_id)}>
          <option value="" selected={current === ""}>Unassigned</option>
          {members.map((m) => (
            <option value={m.user_id} selected={m.user_id === current}>{m.name?.trim() || m.email}</option>
          ))}
        </select>
        <FieldError id="assignee" error={state.errors?.assignee_id} />
      </div>
      <button type="submit" class="secondary">Change assignee</button>
    </form>
  );
};

/**
 * `/app/inbox/:id`: the thread oldest first, the reply form, and state and assignee forms. Another
 * tenant's or an unknown id is the app's 404 page (the service's NOT_FOUND), as for malformed ids.
 */
export async function renderThread(c: Context<AppEnv>, forms: ThreadForms = {}, status: ContentfulStatusCode = 200) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const ctx = c.get("ctx");
  const id = c.req.param("id") ?? "";
  if (!UUID.test(id)) throw notFound("Conversation");
  const me = await viewer(c);
  if (!roleAllows(me.role, "conversations:read")) return forbiddenPage(c, "Your role cannot view conversations.");
  const conv = (await withSlaBadges(ctx, [await getConversation({ ctx, input: { id } })]))[0]!;
  const afterParam = Number(c.req.query("after"));
  const after = Number.isSafeInteger(afterParam) && afterParam > 0 ? afterParam : undefined;
  const thread = await listMessages({ ctx, input: { id, after, limit: PAGE_SIZE } });
  const members = (await listMembers({ ctx })).data.filter((m) => m.status === "active");
  const teamwork = await threadTeamwork({ ctx, input: { id } });
  const labels = await inboxLabels({
    ctx,
    input: { contactIds: [conv.contact_id], channelIds: [conv.channel_id], userIds: [conv.assignee_id, ...thread.data.map((m) => m.sender_id), ...teamwork.notes.map((n) => n.author_id), ...teamwork.history.map((h) => h.agent_id)] },
  });
  const teamNames = Object.fromEntries(teamwork.teams.map((t) => [t.id, t.name]));
  const contact = labels.contacts[conv.contact_id] ?? "Unknown contact";
  const channel = labels.channels[conv.channel_id];
  const canWrite = roleAllows(me.role, "conversations:write");
  const done = DONE[c.req.query("done") ?? ""];
  const hasErrors = !!(forms.reply?.errors || forms.state?.errors || forms.assignee?.errors || forms.annotation?.errors || forms.note?.errors || forms.team?.errors);
  // Live appends belong after the newest message, so only the last page listens.
  const live = !thread.next_cursor;

  return render(
    c,
    <Layout title={`${contact} · Inbox`} hasErrors={hasErrors} signedIn={{ email: me.email, csrf: me.csrf }}>
      <AppNav current="inbox" role={me.role} />
      <InboxStyles />
      <style dangerouslySetInnerHTML={{ __html: NOTES_CSS }} />
      <p class="crumbs"><a href="/app/inbox">← All conversations</a></p>
      <div class="ws-head">
        <div>
          <h1>{contact}</h1>
          <dl class="meta">
            <div><dt>Channel</dt><dd>{channel ? `${channel.name} (${CHANNEL_TYPE_LABELS[channel.type] ?? channel.type})` : "—"}</dd></div>
            <div><dt>State</dt><dd><span class={`pill state-${conv.state}`} data-conversation-state>{STATE_LABELS[conv.state]}</span></dd></div>
            <div><dt>Team</dt><dd data-conversation-team>{conv.team_id ? (teamNames[conv.team_id] ?? "—") : "No team"}</dd></div>
            <div><dt>Assignee</dt><dd data-conversation-assignee>{conv.assignee_id ? (labels.people[conv.assignee_id] ?? "Former member") : "Unassigned"}</dd></div>
            <div><dt>Priority</dt><dd><PriorityBadge priority={conv.priority} /><SlaBadge conv={conv} /></dd></div>
            <div><dt>Language</dt><dd><LanguageTag code={conv.language} /></dd></div>
            <div><dt>Sentiment</dt><dd><SentimentTag label={conv.sentiment?.label} /></dd></div>
            <div>
              <dt>Bot</dt>
              <dd>
                {conv.flow ? <a href={`/app/flows/${conv.flow.id}?version=${conv.flow.version}`}>{`Flow version ${conv.flow.version}`}</a> : "No flow run yet"}
                {conv.bot_paused ? <> <span class="pill paused">Bot paused</span></> : null}
              </dd>
            </div>
          </dl>
        </div>
      </div>
      {done && !hasErrors ? <div class="notice" role="status"><p>{done}</p></div> : null}
      {conv.escalation_summary ? (
        <section class="handover" aria-labelledby="handover-title">
          <h2 id="handover-title">{conv.state === "escalated" ? "Escalated to a person" : "Handed over by the bot"}</h2>
          <p>{conv.escalation_summary}</p>
        </section>
      ) : null}
      {conv.call_summary ? <CallSummaryBox summary={conv.call_summary} /> : null}
      <div class="inbox-grid">
        <div>
          <section class="card" aria-labelledby="thread-title">
            <h2 id="thread-title">Conversation</h2>
            {after ? <p class="pager"><a href={`/app/inbox/${conv.id}`}>Earliest messages</a></p> : null}
            <ol
              class="thread"
              role="log"
              aria-labelledby="thread-title"
              data-conversation-id={conv.id}
              data-contact-name={contact}
              data-live-thread={live ? "" : undefined}
            >
              {thread.data.length === 0 ? <li class="empty" data-empty>No messages yet.</li> : thread.data.map((m) => <MessageItem m={m} contact={contact} labels={labels} understanding={{ convId: conv.id, csrf: me.csrf, canWrite, state: forms.annotation }} />)}
            </ol>
            {thread.next_cursor ? <p class="pager"><a href={`/app/inbox/${conv.id}?after=${thread.next_cursor}`}>Newer messages</a></p> : null}
            <p id="live-status" class="hint live-status" role="status"></p>
          </section>
          <section class="card" aria-labelledby="reply">
            {canWrite ? <ReplyForm id={conv.id} csrf={me.csrf} state={forms.reply} /> : <p class="empty">Your role can read this conversation but not reply.</p>}
          </section>
          <NotesSection conv={conv} notes={teamwork.notes} labels={labels} csrf={me.csrf} canWrite={canWrite} state={forms.note} />
          <InboxAssist c={c} conversationId={conv.id} role={me.role} messages={thread.data} />
        </div>
        <aside class="card" aria-label="Conversation settings">
          <h2>Details</h2>
          {canWrite ? (
            <>
              <StateForm conv={conv} csrf={me.csrf} state={forms.state} />
              <AssigneeForm conv={conv} members={members} csrf={me.csrf} state={forms.assignee} />
              <TeamForm conv={conv} teams={teamwork.teams} csrf={me.csrf} state={forms.team} />
            </>
          ) : (
            <p class="empty">Your role cannot change state or assignee.</p>
          )}
          <AssignmentHistory history={teamwork.history} labels={labels} teams={teamNames} />
        </aside>
      </div>
      <InboxScript />
      <script src={PRESENCE_JS_PATH} defer />
    </Layout>,
    status,
  );
}
