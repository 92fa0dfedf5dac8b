import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { AppError } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { login } from "../../services/auth/login";
import { ensureCsrfToken, rotateCsrfToken, verifyCsrf } from "../csrf";
import { CsrfField, ErrorSummary, Field, firstInvalid, formErrorsFrom, hasErrors, readForm, zodErrors, type FormState } from "../forms";
import { Layout, render } from "../layout";
import { setSessionCookie } from "../session";
import { csrfFailedPage } from "./status";

type C = Context<AppEnv>;

const LoginForm = z.object({
  email: z.string().trim().toLowerCase().min(1, "Enter your email address").max(254, "Email must be at most 254 characters").pipe(z.email("Enter a valid email address, like name@example.com")),
  password: z.string().min(1, "Enter your password").max(256, "Password must be at most 256 characters"),
  tenant: z.string().trim().toLowerCase().max(80, "Workspace must be at most 80 characters").optional(),
});

const FIELDS = ["email", "password", "tenant"] as const;
const ids = Object.fromEntries(FIELDS.map((f) => [f, `login-${f}`]));

const LoginPage = ({ csrf, values = {}, errors }: FormState & { csrf: string }) => {
  const focus = firstInvalid(FIELDS, errors);
  return (
    <Layout title="Log in" hasErrors={hasErrors(errors)} narrow>
      <div class="card">
        <h1>Log in to Parley</h1>
        <p class="lead">Welcome back.</p>
        <ErrorSummary errors={errors} fieldIds={ids} />
        <form method="post" action="/login" novalidate>
          <CsrfField token={csrf} />
          <Field id={ids.email!} name="email" label="Email" type="email" autocomplete="email" spellcheck={false} value={values.email} error={errors?.email} autofocus={focus === "email"} />
          <Field id={ids.password!} name="password" label="Password" type="password" autocomplete="current-password" error={errors?.password} autofocus={focus === "password"} />
          <Field
            id={ids.tenant!}
            name="tenant"
            label="Workspace"
            optional
            autocomplete="off"
            spellcheck={false}
            hint="Its short name, e.g. acme-support. Only needed if you belong to several workspaces."
            value={values.tenant}
            error={errors?.tenant}
            autofocus={focus === "tenant"}
            maxlength={80}
          />
          <button type="submit" class="full">Log in</button>
        </form>
        <p class="alt">
          New to Parley? <a href="/signup">Create a workspace</a>
        </p>
      </div>
    </Layout>
  );
};

export function loginForm(c: C) {
  return render(c, <LoginPage csrf={ensureCsrfToken(c)} />);
}

export async function loginSubmit(c: C) {
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/login");
  const values = { email: form.email, tenant: form.tenant };
  const again = (errors: FormState["errors"], status: ContentfulStatusCode) => render(c, <LoginPage csrf={ensureCsrfToken(c)} values={values} errors={errors} />, status);

  const parsed = LoginForm.safeParse({ ...form, tenant: form.tenant?.trim() || undefined });
  if (!parsed.success) return again(zodErrors(parsed.error), 400);
  try {
    const result = await login({ ctx: c.get("ctx"), input: { ...parsed.data, kind: "web" } });
    setSessionCookie(c, result.refresh_token);
    rotateCsrfToken(c); // a new sign-in gets a new token, so one planted before it is useless
    return c.redirect("/app", 303);
  } catch (err) {
    // One message for unknown email, wrong password and wrong workspace: don't reveal which accounts exist.
    if (err instanceof AppError && err.code === "UNAUTHORIZED") return again({ password: "Invalid email or password" }, 401);
    if (err instanceof AppError && err.code === "TENANT_SUSPENDED") return again({ _form: err.message }, 403);
    const mapped = formErrorsFrom(c, err, FIELDS);
    if (!mapped) throw err;
    return again(mapped.errors, mapped.status);
  }
}
