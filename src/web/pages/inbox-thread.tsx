import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CONVERSATION_STATES } from "../../db/schema";
import { notFound } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import type { MessageContent } from "../../channels/inbound";
import { getConversation, listMessages } from "../../services/conversations/conversations";
import { contentText, type Conversation, type Message } from "../../services/conversations/model";
import { inboxLabels, type InboxLabels } from "../../services/inbox/labels";
import { listMembers, type Member } from "../../services/members/members";
import { roleAllows } from "../../services/permissions";
import { CsrfField, ErrorSummary, type FormState } from "../forms";
import { Layout, render } from "../layout";
import { requireSession } from "../session";
import { AppNav } from "./app-nav";
import { CHANNEL_TYPE_LABELS, InboxScript, STATE_LABELS, UUID, viewer, When } from "./inbox-parts";
import { forbiddenPage } from "./status";

const PAGE_SIZE = 200;

export interface ThreadForms {
  reply?: FormState;
  state?: FormState;
  assignee?: FormState;
}

/** Confirmations after a redirect, chosen by key (never text from the URL). */
const DONE: Record<string, string> = { reply: "Reply sent.", state: "State changed.", assignee: "Assignee changed." };
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

const MessageItem = ({ m, contact, labels }: { m: Message; contact: string; labels: InboxLabels }) => (
  <li class={`msg ${m.direction === "inbound" ? "in" : "out"}`} data-message-id={m.id}>
    <div class="msg-head">
      <span class="msg-who">{senderOf(m, contact, labels)}</span> <When iso={m.created_at} />
    </div>
    <p class="msg-text">{m.text ?? contentText(m.content as MessageContent)}</p>
    {m.direction === "outbound" ? (
      <p class="msg-status" data-status={m.status}>
        {m.status === "failed" && m.error ? `${DELIVERY.failed}: ${m.error}` : DELIVERY[m.status]}
      </p>
    ) : null}
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
  const conv = await getConversation({ ctx, input: { id } });
  const afterParam = Number(c.req.query("after"));
  const after = Number.isSafeInteger(afterParam) && afterParam > 0 ? afterParam : undefined;
  const thread = await listMessages({ ctx, input: { id, after, limit: PAGE_SIZE } });
  const members = (await listMembers({ ctx })).data.filter((m) => m.status === "active");
  const labels = await inboxLabels({
    ctx,
    input: { contactIds: [conv.contact_id], channelIds: [conv.channel_id], userIds: [conv.assignee_id, ...thread.data.map((m) => m.sender_id)] },
  });
  const contact = labels.contacts[conv.contact_id] ?? "Unknown contact";
  const channel = labels.channels[conv.channel_id];
  const canWrite = roleAllows(me.role, "conversations:write");
  const done = DONE[c.req.query("done") ?? ""];
  const hasErrors = !!(forms.reply?.errors || forms.state?.errors || forms.assignee?.errors);
  // Live appends belong after the newest message, so only the last page listens.
  const live = !thread.next_cursor;

  return render(
    c,
    <Layout title={`${contact} · Inbox`} hasErrors={hasErrors} signedIn={{ email: me.email, csrf: me.csrf }}>
      <AppNav current="inbox" role={me.role} />
      <p class="crumbs"><a href="/app/inbox">← All conversations</a></p>
      <div class="ws-head">
        <div>
          <h1>{contact}</h1>
          <dl class="meta">
            <div><dt>Channel</dt><dd>{channel ? `${channel.name} (${CHANNEL_TYPE_LABELS[channel.type] ?? channel.type})` : "—"}</dd></div>
            <div><dt>State</dt><dd><span class={`pill state-${conv.state}`} data-conversation-state>{STATE_LABELS[conv.state]}</span></dd></div>
            <div><dt>Assignee</dt><dd data-conversation-assignee>{conv.assignee_id ? (labels.people[conv.assignee_id] ?? "Former member") : "Unassigned"}</dd></div>
          </dl>
        </div>
      </div>
      {done && !hasErrors ? <div class="notice" role="status"><p>{done}</p></div> : null}
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
              {thread.data.length === 0 ? <li class="empty" data-empty>No messages yet.</li> : thread.data.map((m) => <MessageItem m={m} contact={contact} labels={labels} />)}
            </ol>
            {thread.next_cursor ? <p class="pager"><a href={`/app/inbox/${conv.id}?after=${thread.next_cursor}`}>Newer messages</a></p> : null}
            <p id="live-status" class="hint live-status" role="status"></p>
          </section>
          <section class="card" aria-labelledby="reply">
            {canWrite ? <ReplyForm id={conv.id} csrf={me.csrf} state={forms.reply} /> : <p class="empty">Your role can read this conversation but not reply.</p>}
          </section>
        </div>
        <aside class="card" aria-label="Conversation settings">
          <h2>Details</h2>
          {canWrite ? (
            <>
              <StateForm conv={conv} csrf={me.csrf} state={forms.state} />
              <AssigneeForm conv={conv} members={members} csrf={me.csrf} state={forms.assignee} />
            </>
          ) : (
            <p class="empty">Your role cannot change state or assignee.</p>
          )}
        </aside>
      </div>
      <InboxScript />
    </Layout>,
    status,
  );
}
