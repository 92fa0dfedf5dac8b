import type { Context, Hono, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { TICKET_STATUSES, type TicketStatus } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { inboxLabels } from "../../services/inbox/labels";
import { roleAllows } from "../../services/permissions";
import { TICKET_TRANSITIONS, type Ticket } from "../../services/tickets/model";
import { getTicket, listTickets, updateTicket } from "../../services/tickets/tickets";
import { verifyCsrf } from "../csrf";
import { CsrfField, ErrorSummary, formErrorsFrom, readForm, zodErrors, type FormState } from "../forms";
import { Layout, render } from "../layout";
import { requireSession } from "../session";
import { AppNav } from "./app-nav";
import { InboxStyles, PriorityBadge, UUID, viewer, When } from "./inbox-parts";
import { csrfFailedPage, forbiddenPage } from "./status";

type C = Context<AppEnv>;

const STATUS_LABELS: Record<TicketStatus, string> = { open: "Open", pending: "Pending", resolved: "Resolved", closed: "Closed" };
const isStatus = (s: string | undefined): s is TicketStatus => !!s && (TICKET_STATUSES as readonly string[]).includes(s);
const PAGE_SIZE = 50;

const TICKETS_CSS = `.pill.ticket-open{background:#eef2ff;color:#1f3aa6}.pill.ticket-pending{background:#fff4e5;color:#8a4b00}
.pill.ticket-resolved{background:#e7f6ee;color:#0b6b45}.pill.ticket-closed{background:#f1f3f8;color:#4a5568}
.ticket-desc{white-space:pre-wrap}.ticket-num{font:600 .9rem ui-monospace,SFMono-Regular,Menlo,monospace}`;

const StatusPill = ({ status }: { status: TicketStatus }) => <span class={`pill ticket-${status}`}>{STATUS_LABELS[status]}</span>;

const ticketsHref = (status?: TicketStatus, cursor?: string) => {
  const q = new URLSearchParams();
  if (status) q.set("status", status);
  if (cursor) q.set("cursor", cursor);
  const s = q.toString();
  return s ? `/app/tickets?${s}` : "/app/tickets";
};

/** `/app/tickets?status=&cursor=`: the workspace's tickets, newest first, by status. */
async function renderTickets(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const ctx = c.get("ctx");
  const me = await viewer(c);
  if (!roleAllows(me.role, "tickets:read")) return forbiddenPage(c, "Your role cannot view tickets.");
  const statusParam = c.req.query("status");
  const status = isStatus(statusParam) ? statusParam : undefined;
  let cursor = c.req.query("cursor") || undefined;
  let page;
  try {
    page = await listTickets({ ctx, input: { status, cursor, limit: PAGE_SIZE } });
  } catch (err) {
    // A mangled cursor (edited URL) starts from the top.
    if (!(err instanceof AppError && err.details?.field === "cursor")) throw err;
    cursor = undefined;
    page = await listTickets({ ctx, input: { status, limit: PAGE_SIZE } });
  }
  const labels = await inboxLabels({ ctx, input: { contactIds: page.data.map((t) => t.contact_id), channelIds: [], userIds: page.data.map((t) => t.assignee_id) } });
  const heading = status ? `${STATUS_LABELS[status]} tickets` : "All tickets";
  return render(
    c,
    <Layout title={heading} signedIn={{ email: me.email, csrf: me.csrf }}>
      <AppNav current="tickets" role={me.role} />
      <InboxStyles />
      <style dangerouslySetInnerHTML={{ __html: TICKETS_CSS }} />
      <div class="ws-head"><div><h1>Tickets</h1><p class="lead">{me.tenant.name}</p></div></div>
      <nav class="tabs" aria-label="Tickets by status">
        <a href={ticketsHref()} aria-current={status ? undefined : "page"}>All</a>
        {TICKET_STATUSES.map((s) => <a href={ticketsHref(s)} aria-current={status === s ? "page" : undefined}>{STATUS_LABELS[s]}</a>)}
      </nav>
      <section class="card" aria-labelledby="tickets-title">
        <h2 id="tickets-title">{heading}</h2>
        {page.data.length === 0 ? (
          <p class="empty">{status ? `No ${STATUS_LABELS[status].toLowerCase()} tickets.` : "No tickets yet. The bot opens them from conversations, or create them with POST /v1/tickets."}</p>
        ) : (
          <div class="table-wrap" role="region" aria-labelledby="tickets-title" tabindex={0}>
            <table>
              <caption class="visually-hidden">Tickets, newest first</caption>
              <thead><tr><th scope="col">Ticket</th><th scope="col">Title</th><th scope="col">Priority</th><th scope="col">Status</th><th scope="col">Contact</th><th scope="col">Assignee</th><th scope="col">Opened</th></tr></thead>
              <tbody>
                {page.data.map((t) => (
                  <tr>
                    <th scope="row"><a class="ticket-num" href={`/app/tickets/${t.id}`}>{t.ticket_number}</a></th>
                    <td>{t.title}</td>
                    <td><PriorityBadge priority={t.priority} /></td>
                    <td><StatusPill status={t.status} /></td>
                    <td>{t.contact_id ? (labels.contacts[t.contact_id] ?? "Unknown contact") : <span class="muted">—</span>}</td>
                    <td>{t.assignee_id ? (labels.people[t.assignee_id] ?? "Former member") : <span class="muted">Unassigned</span>}</td>
                    <td><When iso={t.created_at} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursor || page.next_cursor ? (
          <nav class="pager" aria-label="More tickets">
            {cursor ? <a href={ticketsHref(status)}>Newest tickets</a> : null}
            {page.next_cursor ? <a href={ticketsHref(status, page.next_cursor)}>Older tickets</a> : null}
          </nav>
        ) : null}
      </section>
    </Layout>,
  );
}

const DONE: Record<string, string> = { status: "Status changed." };

/** The allowed next statuses only (TICKET_TRANSITIONS), with resolution notes when resolving. */
const StatusForm = ({ ticket, csrf, state }: { ticket: Ticket; csrf: string; state?: FormState }) => {
  const next = TICKET_TRANSITIONS[ticket.status];
  return (
    <form method="post" action={`/app/tickets/${ticket.id}/status`} novalidate aria-labelledby="status-title">
      <h3 id="status-title">Status</h3>
      <CsrfField token={csrf} />
      <input type="hidden" name="version" value={String(ticket.version)} />
      <ErrorSummary errors={state?.errors} fieldIds={{ status: "ticket-status", resolution_notes: "resolution-notes", version: "ticket-status" }} />
      <div class="field">
        <label for="ticket-status">Move to</label>
        <select id="ticket-status" name="status" aria-invalid={state?.errors?.status ? "true" : undefined}>
          {next.map((s) => <option value={s} selected={state?.values?.status === s}>{STATUS_LABELS[s]}</option>)}
        </select>
        {state?.errors?.status || state?.errors?.version ? <p id="ticket-status-error" class="field-error"><span class="visually-hidden">Error: </span>{state.errors.status ?? state.errors.version}</p> : null}
      </div>
      <div class="field">
        <label for="resolution-notes">Resolution notes (optional)</label>
        <textarea id="resolution-notes" name="resolution_notes" rows={3} maxlength={10000}>{state?.values?.resolution_notes ?? ticket.resolution_notes ?? ""}</textarea>
      </div>
      <button type="submit" class="secondary">Change status</button>
    </form>
  );
};

/** `/app/tickets/:id`: one ticket, its conversation link and the status change form. */
async function renderTicket(c: C, state?: FormState, status: ContentfulStatusCode = 200) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const ctx = c.get("ctx");
  const id = c.req.param("id") ?? "";
  if (!UUID.test(id)) throw notFound("Ticket");
  const me = await viewer(c);
  if (!roleAllows(me.role, "tickets:read")) return forbiddenPage(c, "Your role cannot view tickets.");
  const ticket = await getTicket({ ctx, input: { id } });
  const labels = await inboxLabels({ ctx, input: { contactIds: [ticket.contact_id], channelIds: [], userIds: [ticket.assignee_id] } });
  const done = DONE[c.req.query("done") ?? ""];
  return render(
    c,
    <Layout title={`${ticket.ticket_number} · Tickets`} hasErrors={!!state?.errors} signedIn={{ email: me.email, csrf: me.csrf }}>
      <AppNav current="tickets" role={me.role} />
      <InboxStyles />
      <style dangerouslySetInnerHTML={{ __html: TICKETS_CSS }} />
      <p class="crumbs"><a href="/app/tickets">← All tickets</a></p>
      <div class="ws-head">
        <div>
          <h1><span class="ticket-num">{ticket.ticket_number}</span> {ticket.title}</h1>
          <dl class="meta">
            <div><dt>Status</dt><dd><StatusPill status={ticket.status} /></dd></div>
            <div><dt>Priority</dt><dd><PriorityBadge priority={ticket.priority} /></dd></div>
            <div><dt>Category</dt><dd>{ticket.category ?? "—"}</dd></div>
            <div><dt>Contact</dt><dd>{ticket.contact_id ? (labels.contacts[ticket.contact_id] ?? "Unknown contact") : "—"}</dd></div>
            <div><dt>Assignee</dt><dd>{ticket.assignee_id ? (labels.people[ticket.assignee_id] ?? "Former member") : "Unassigned"}</dd></div>
            <div><dt>Opened</dt><dd><When iso={ticket.created_at} /></dd></div>
            {ticket.resolved_at ? <div><dt>Resolved</dt><dd><When iso={ticket.resolved_at} /></dd></div> : null}
          </dl>
        </div>
      </div>
      {done && !state?.errors ? <div class="notice" role="status"><p>{done}</p></div> : null}
      <div class="inbox-grid">
        <section class="card" aria-labelledby="desc-title">
          <h2 id="desc-title">Description</h2>
          {ticket.description ? <p class="ticket-desc">{ticket.description}</p> : <p class="empty">No description.</p>}
          {ticket.resolution_notes ? <><h3>Resolution</h3><p class="ticket-desc">{ticket.resolution_notes}</p></> : null}
          {ticket.conversation_id ? <p><a href={`/app/inbox/${ticket.conversation_id}`}>Open the conversation</a></p> : null}
        </section>
        <aside class="card" aria-label="Ticket settings">
          <h2>Details</h2>
          {roleAllows(me.role, "tickets:write") ? <StatusForm ticket={ticket} csrf={me.csrf} state={state} /> : <p class="empty">Your role cannot change tickets.</p>}
        </aside>
      </div>
    </Layout>,
    status,
  );
}

const StatusSchema = z.object({
  status: z.enum(TICKET_STATUSES, { message: "Choose a status" }),
  resolution_notes: z.string().trim().max(10_000, "Resolution notes can be at most 10000 characters").optional(),
  version: z.coerce.number().int().positive().optional(),
});

async function statusSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const id = c.req.param("id") ?? "";
  if (!UUID.test(id)) throw notFound("Ticket");
  const posted = await readForm(c);
  if (!(await verifyCsrf(c, posted))) return csrfFailedPage(c, `/app/tickets/${id}`);
  const fields = ["status", "resolution_notes", "version"] as const;
  const values = Object.fromEntries(fields.map((f) => [f, posted[f]]));
  const parsed = StatusSchema.safeParse(values);
  if (!parsed.success) return renderTicket(c, { values, errors: zodErrors(parsed.error) }, 400);
  try {
    await updateTicket({ ctx: c.get("ctx"), input: { id, status: parsed.data.status, ...(parsed.data.resolution_notes && { resolution_notes: parsed.data.resolution_notes }), ...(parsed.data.version && { version: parsed.data.version }) } });
  } catch (err) {
    if (err instanceof AppError && err.code === "FORBIDDEN") return forbiddenPage(c, "Your role cannot change tickets.");
    if (err instanceof AppError && err.code === "VERSION_CONFLICT") return renderTicket(c, { values, errors: { version: "Someone changed this ticket meanwhile. Check it and try again." } }, 409);
    const mapped = formErrorsFrom(c, err, fields);
    if (!mapped) throw err;
    return renderTicket(c, { values, errors: mapped.errors }, mapped.status);
  }
  return c.redirect(`/app/tickets/${id}?done=status`, 303);
}

export function registerTicketPages(app: Hono<AppEnv>, formLimit: MiddlewareHandler<AppEnv>) {
  app.get("/app/tickets", renderTickets);
  app.get("/app/tickets/:id", (c) => renderTicket(c));
  app.post("/app/tickets/:id/status", formLimit, statusSubmit);
}
