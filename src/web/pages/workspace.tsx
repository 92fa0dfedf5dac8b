import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ROLES, type Role } from "../../db/schema";
import { unauthorized } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { getMe } from "../../services/auth/me";
import type { Contact } from "../../services/contacts/model";
import { listContacts } from "../../services/contacts/contacts";
import { listMembers, type Member } from "../../services/members/members";
import { canGrantRole, roleAllows } from "../../services/permissions";
import { ensureCsrfToken } from "../csrf";
import type { FormState } from "../forms";
import { Layout, render } from "../layout";
import { takeFlash, type Flash } from "../session";
import { AppNav } from "./app-nav";
import { ContactForm, InviteForm } from "./workspace-forms";

const CONTACTS_SHOWN = 50;
export const roleLabel = (role: string) => role.replace("_", " ");

export interface WorkspaceForms {
  contact?: FormState;
  invite?: FormState;
}

const Notice = ({ flash }: { flash: Flash }) => (
  <div class="notice" role="status">
    {flash.kind === "contact" ? (
      <p>Contact {flash.name ? <strong>{flash.name}</strong> : null} added.</p>
    ) : (
      <>
        <p>
          <strong>Invitation created for {flash.email}.</strong> Send them this link. It is shown only once and expires in 7 days.
        </p>
        <p>
          Invitation link: <code id="invite-link" class="invite-link">{flash.url}</code>
        </p>
      </>
    )}
  </div>
);

const MembersTable = ({ members }: { members: Member[] }) => (
  <div class="table-wrap" role="region" aria-labelledby="members-title" tabindex={0}>
    <table>
      <caption class="visually-hidden">Workspace members</caption>
      <thead>
        <tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Status</th></tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <tr>
            <th scope="row">{m.email}</th>
            <td>{m.name ?? "—"}</td>
            <td>{roleLabel(m.role)}</td>
            <td><span class={m.status === "invited" ? "pill invited" : "pill"}>{m.status}</span></td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

const ContactsTable = ({ contacts }: { contacts: Contact[] }) =>
  contacts.length === 0 ? (
    <p class="empty">No contacts yet.</p>
  ) : (
    <div class="table-wrap" role="region" aria-labelledby="contacts-title" tabindex={0}>
      <table>
        <caption class="visually-hidden">Contacts, newest first</caption>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Phone</th><th scope="col">Tags</th></tr>
        </thead>
        <tbody>
          {contacts.map((x) => (
            <tr>
              <th scope="row">{x.name ?? "(no name)"}</th>
              <td>{x.email ?? "—"}</td>
              <td>{x.phone ?? "—"}</td>
              <td>{x.tags.length ? x.tags.join(", ") : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

const NoAccess = ({ what, role }: { what: string; role: Role }) => <p class="empty">Your role ({roleLabel(role)}) cannot view {what}.</p>;

/**
 * Loads and renders the workspace for the session already attached to the context. Every service call
 * re-checks the session, so a revoked one fails here (UNAUTHORIZED → the app's handler logs out).
 * Sections the role may not read are described, not attempted, so e.g. billing admins still get a page.
 */
export async function renderWorkspace(c: Context<AppEnv>, forms: WorkspaceForms = {}, status: ContentfulStatusCode = 200) {
  const ctx = c.get("ctx");
  const me = await getMe({ ctx });
  if (!me.user || !me.role) throw unauthorized();
  const role = me.role;
  const members = roleAllows(role, "members:read") ? (await listMembers({ ctx })).data : undefined;
  const contactPage = roleAllows(role, "contacts:read") ? await listContacts({ ctx, input: { limit: CONTACTS_SHOWN } }) : undefined;
  const flash = takeFlash(c);
  const csrf = ensureCsrfToken(c);
  const grantable = ROLES.filter((r) => canGrantRole(role, r));
  const hasErrors = !!(forms.contact?.errors || forms.invite?.errors);

  return render(
    c,
    <Layout title={me.tenant.name} hasErrors={hasErrors} signedIn={{ email: me.user.email, csrf }}>
      <AppNav current="workspace" role={role} />
      <div class="ws-head">
        <div>
          <h1>{me.tenant.name}</h1>
          <dl class="meta">
            <div><dt>Workspace</dt><dd><code>{me.tenant.slug}</code></dd></div>
            <div><dt>Signed in as</dt><dd>{me.user.email}</dd></div>
            <div><dt>Your role</dt><dd><span class="pill">{roleLabel(role)}</span></dd></div>
          </dl>
        </div>
        {roleAllows(role, "channels:read") || roleAllows(role, "billing:manage") ? (
          <nav aria-label="Workspace sections">
            {roleAllows(role, "channels:read") ? <a href="/app/channels">Channels</a> : null}
            {roleAllows(role, "channels:read") && roleAllows(role, "billing:manage") ? " · " : null}
            {roleAllows(role, "billing:manage") ? <a href="/app/billing">Billing</a> : null}
          </nav>
        ) : null}
      </div>
      {flash ? <Notice flash={flash} /> : null}
      <section class="card" id="members" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        {members ? <MembersTable members={members} /> : <NoAccess what="members" role={role} />}
        {roleAllows(role, "members:write") && grantable.length > 0 ? <InviteForm csrf={csrf} roles={grantable} state={forms.invite} /> : null}
      </section>
      <section class="card" id="contacts" aria-labelledby="contacts-title">
        <h2 id="contacts-title">Contacts</h2>
        {contactPage ? <ContactsTable contacts={contactPage.data} /> : <NoAccess what="contacts" role={role} />}
        {contactPage?.next_cursor ? <p class="hint">Showing the {CONTACTS_SHOWN} most recent contacts.</p> : null}
        {roleAllows(role, "contacts:write") ? <ContactForm csrf={csrf} state={forms.contact} /> : null}
      </section>
    </Layout>,
    status,
  );
}
