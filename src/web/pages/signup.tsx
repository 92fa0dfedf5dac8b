import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { AppEnv } from "../../routes/hono-env";
import { signup } from "../../services/auth/signup";
import { ensureCsrfToken, rotateCsrfToken, verifyCsrf } from "../csrf";
import { CsrfField, ErrorSummary, Field, firstInvalid, formErrorsFrom, hasErrors, readForm, zodErrors, type FormState } from "../forms";
import { Layout, render } from "../layout";
import { setSessionCookie } from "../session";
import { csrfFailedPage } from "./status";

type C = Context<AppEnv>;

/** Shape checks only; password strength is the service's call, so its reason is the one shown. */
const SignupForm = z.object({
  organization: z.string().trim().min(1, "Enter the name of your organization").max(120, "Organization name must be at most 120 characters"),
  name: z.string().trim().max(120, "Name must be at most 120 characters").optional(),
  email: z.string().trim().toLowerCase().min(1, "Enter your email address").max(254, "Email must be at most 254 characters").pipe(z.email("Enter a valid email address, like name@example.com")),
  password: z.string().min(1, "Enter a password").max(256, "Password must be at most 256 characters"),
});

const FIELDS = ["organization", "name", "email", "password"] as const;
const ids = Object.fromEntries(FIELDS.map((f) => [f, `signup-${f}`]));

const SignupPage = ({ csrf, values = {}, errors }: FormState & { csrf: string }) => {
  const focus = firstInvalid(FIELDS, errors);
  return (
    <Layout title="Create your workspace" hasErrors={hasErrors(errors)} narrow>
      <div class="card">
        <h1>Create your workspace</h1>
        <p class="lead">Start a Parley workspace for your team. You will be its owner.</p>
        <ErrorSummary errors={errors} fieldIds={ids} />
        <form method="post" action="/signup" novalidate>
          <CsrfField token={csrf} />
          <Field id={ids.organization!} name="organization" label="Organization" autocomplete="organization" value={values.organization} error={errors?.organization} autofocus={focus === "organization"} maxlength={120} />
          <Field id={ids.name!} name="name" label="Your name" optional autocomplete="name" value={values.name} error={errors?.name} autofocus={focus === "name"} maxlength={120} />
          <Field id={ids.email!} name="email" label="Email" type="email" autocomplete="email" spellcheck={false} value={values.email} error={errors?.email} autofocus={focus === "email"} />
          <Field
            id={ids.password!}
            name="password"
            label="Password"
            type="password"
            autocomplete="new-password"
            hint="At least 10 characters. Avoid common words and your email name."
            error={errors?.password}
            autofocus={focus === "password"}
          />
          <button type="submit" class="full">Create workspace</button>
        </form>
        <p class="alt">
          Already have an account? <a href="/login">Log in</a>
        </p>
      </div>
    </Layout>
  );
};

export function signupForm(c: C) {
  return render(c, <SignupPage csrf={ensureCsrfToken(c)} />);
}

export async function signupSubmit(c: C) {
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/signup");
  // Re-rendered on error; the password is deliberately not among them.
  const values = { organization: form.organization, name: form.name, email: form.email };
  const again = (errors: FormState["errors"], status: ContentfulStatusCode) => render(c, <SignupPage csrf={ensureCsrfToken(c)} values={values} errors={errors} />, status);

  const parsed = SignupForm.safeParse({ ...form, name: form.name || undefined });
  if (!parsed.success) return again(zodErrors(parsed.error), 400);
  try {
    const result = await signup({ ctx: c.get("ctx"), input: { ...parsed.data, kind: "web" } });
    setSessionCookie(c, result.refresh_token);
    rotateCsrfToken(c); // a new sign-in gets a new token, so one planted before it is useless
    return c.redirect("/app", 303);
  } catch (err) {
    const mapped = formErrorsFrom(c, err, FIELDS);
    if (!mapped) throw err;
    return again(mapped.errors, mapped.status);
  }
}
