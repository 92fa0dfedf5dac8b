import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { AppError } from "../../lib/errors";
import { tenantOfToken } from "../../lib/tenant-token";
import type { AppEnv } from "../../routes/hono-env";
import { acceptInvitation } from "../../services/members/accept-invitation";
import { ensureCsrfToken, rotateCsrfToken, verifyCsrf } from "../csrf";
import { CsrfField, ErrorSummary, Field, firstInvalid, formErrorsFrom, hasErrors, readForm, zodErrors, type FormState } from "../forms";
import { Layout, render } from "../layout";
import { attachSession, setSessionCookie } from "../session";
import { csrfFailedPage, statusPage } from "./status";

type C = Context<AppEnv>;

const InviteForm = z.object({
  token: z.string().max(200),
  name: z.string().trim().max(120, "Name must be at most 120 characters").optional(),
  // Empty for a signed-in existing account; a new account's password is checked by the service.
  password: z.string().max(256, "Password must be at most 256 characters").optional(),
});

const FIELDS = ["name", "password"] as const;
const ids = Object.fromEntries(FIELDS.map((f) => [f, `invite-${f}`]));

/**
 * Two ways in: a new person sets a password; someone who already has a Parley account accepts while
 * signed in to it (the form then asks for nothing). The invitation never takes an existing account's
 * password: whoever holds the link could otherwise use it to guess that password.
 */
const InvitePage = ({ csrf, token, signedIn, values = {}, errors }: FormState & { csrf: string; token: string; signedIn: boolean }) => {
  const focus = firstInvalid(FIELDS, errors);
  return (
    <Layout title="Join a workspace" hasErrors={hasErrors(errors)} narrow>
      <div class="card">
        <h1>Join your team on Parley</h1>
        {signedIn ? (
          <p class="lead">You have been invited to a workspace. Accept to join it with the account you are signed in to.</p>
        ) : (
          <p class="lead">
            You have been invited to a workspace. Set up your account to accept. Already have a Parley account? <a href="/login">Log in</a> first,
            then open this invitation link again.
          </p>
        )}
        <ErrorSummary errors={errors} fieldIds={ids} />
        <form method="post" action="/invite" novalidate>
          <CsrfField token={csrf} />
          <input type="hidden" name="token" value={token} />
          {/* Signed in, the form asks for nothing, unless the invitation turns out to be for a new account. */}
          {(!signedIn || errors?.password) && (
            <>
              <Field id={ids.name!} name="name" label="Your name" optional autocomplete="name" value={values.name} error={errors?.name} autofocus={focus === "name"} maxlength={120} />
              <Field
                id={ids.password!}
                name="password"
                label="Choose a password"
                type="password"
                autocomplete="new-password"
                hint="At least 10 characters. For a new account only: an existing one accepts by being signed in."
                error={errors?.password}
                autofocus={focus === "password"}
              />
            </>
          )}
          <button type="submit" class="full">Accept invitation</button>
        </form>
      </div>
    </Layout>
  );
};

const invalidInvitation = (c: C) =>
  statusPage(c, 404, {
    title: "Invitation not valid",
    message: "This invitation link is invalid, has expired or was already used. Ask your workspace admin for a new one.",
    back: { href: "/login", label: "Go to log in" },
  });

export async function inviteForm(c: C) {
  const token = c.req.query("token") ?? "";
  // Only the shape is checked here; whether it is live is known when it is used (no lookup per view).
  if (!tenantOfToken("inv", token)) return invalidInvitation(c);
  const signedIn = await attachSession(c);
  return render(c, <InvitePage csrf={ensureCsrfToken(c)} token={token} signedIn={signedIn} />);
}

export async function inviteSubmit(c: C) {
  const form = await readForm(c);
  const token = form.token ?? "";
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, `/invite?token=${encodeURIComponent(token)}`);
  if (!tenantOfToken("inv", token)) return invalidInvitation(c);
  const values = { name: form.name };
  // The session cookie (if any) is the proof an existing account gives; see acceptInvitation.
  const signedIn = await attachSession(c);
  const again = (errors: FormState["errors"], status: ContentfulStatusCode) =>
    render(c, <InvitePage csrf={ensureCsrfToken(c)} token={token} signedIn={signedIn} values={values} errors={errors} />, status);

  const parsed = InviteForm.safeParse({ ...form, name: form.name || undefined, password: form.password || undefined });
  if (!parsed.success) return again(zodErrors(parsed.error), 400);
  try {
    const result = await acceptInvitation({ ctx: c.get("ctx"), input: { ...parsed.data, kind: "web" } });
    setSessionCookie(c, result.refresh_token);
    rotateCsrfToken(c);
    return c.redirect("/app", 303);
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") return invalidInvitation(c);
    if (err instanceof AppError && err.code === "UNAUTHORIZED") return again({ password: err.message }, 401);
    const mapped = formErrorsFrom(c, err, FIELDS);
    if (!mapped) throw err;
    return again(mapped.errors, mapped.status);
  }
}
