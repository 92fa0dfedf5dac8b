import type { Context } from "hono";
import type { FC } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { AppError } from "../lib/errors";
import type { AppEnv } from "../routes/hono-env";

/** Field name → message. `_form` holds a message about the whole form (rate limit, expired link...). */
export type FieldErrors = Partial<Record<string, string>>;
export type FormValues = Partial<Record<string, string>>;

export interface FormState {
  values?: FormValues;
  errors?: FieldErrors;
}

/** The posted form as strings; file parts are dropped (no form here uploads anything). */
export async function readForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === "string") out[key] = value;
  return out;
}

/** The first message per top-level field, in the order the issues were raised. */
export function zodErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "_form");
    errors[key] ??= issue.message;
  }
  return errors;
}

export const hasErrors = (errors?: FieldErrors) => !!errors && Object.keys(errors).length > 0;

export const CsrfField: FC<{ token: string }> = ({ token }) => <input type="hidden" name="_csrf" value={token} />;

/**
 * Lists every problem at the top of the form, each linking to its field. role="alert" makes screen
 * readers announce it when the re-rendered page loads, without any script.
 */
export const ErrorSummary: FC<{ errors?: FieldErrors; fieldIds: Record<string, string> }> = ({ errors, fieldIds }) => {
  if (!hasErrors(errors)) return null;
  const entries = Object.entries(errors!).filter((e): e is [string, string] => !!e[1]);
  return (
    <div class="error-summary" role="alert">
      <p>There is a problem</p>
      <ul>
        {entries.map(([field, message]) => (
          <li>{fieldIds[field] ? <a href={`#${fieldIds[field]}`}>{message}</a> : message}</li>
        ))}
      </ul>
    </div>
  );
};

interface FieldProps {
  id: string;
  name: string;
  label: string;
  type?: "text" | "email" | "password" | "tel";
  value?: string;
  error?: string;
  hint?: string;
  optional?: boolean;
  autocomplete?: string;
  autofocus?: boolean;
  maxlength?: number;
  spellcheck?: boolean;
}

function describedBy(id: string, hint?: string, error?: string): string | undefined {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
}

const FieldError: FC<{ id: string; error?: string }> = ({ id, error }) =>
  error ? (
    <p id={`${id}-error`} class="field-error">
      <span class="visually-hidden">Error: </span>
      {error}
    </p>
  ) : null;

const Label: FC<{ id: string; label: string; optional?: boolean }> = ({ id, label, optional }) => (
  <label for={id}>
    {label}
    {optional ? <span class="optional"> (optional)</span> : null}
  </label>
);

/** A labelled input whose hint and error are announced with it (aria-describedby). */
export const Field: FC<FieldProps> = (p) => (
  <div class="field">
    <Label id={p.id} label={p.label} optional={p.optional} />
    {p.hint ? <p id={`${p.id}-hint`} class="hint">{p.hint}</p> : null}
    <input
      id={p.id}
      name={p.name}
      type={p.type ?? "text"}
      value={p.type === "password" ? undefined : p.value}
      autocomplete={p.autocomplete}
      required={!p.optional}
      autofocus={p.autofocus}
      maxlength={p.maxlength}
      spellcheck={p.spellcheck}
      aria-invalid={p.error ? "true" : undefined}
      aria-describedby={describedBy(p.id, p.hint, p.error)}
    />
    <FieldError id={p.id} error={p.error} />
  </div>
);

export const SelectField: FC<{ id: string; name: string; label: string; options: readonly string[]; value?: string; error?: string }> = (p) => (
  <div class="field">
    <Label id={p.id} label={p.label} />
    <select id={p.id} name={p.name} aria-invalid={p.error ? "true" : undefined} aria-describedby={describedBy(p.id, undefined, p.error)}>
      {p.options.map((o) => (
        <option value={o} selected={o === p.value}>
          {o.replace("_", " ")}
        </option>
      ))}
    </select>
    <FieldError id={p.id} error={p.error} />
  </div>
);

/** Which field should take focus on a re-rendered form: the first one in error, in tab order. */
export function firstInvalid(order: readonly string[], errors?: FieldErrors): string | undefined {
  return order.find((f) => errors?.[f]);
}

/**
 * Turns a service error into messages on the form it came from, or undefined when it is not about the
 * form (then the app's error page handles it). Server messages are safe to show: they are written for users.
 */
export function formErrorsFrom(c: Context<AppEnv>, err: unknown, fields: readonly string[]): { errors: FieldErrors; status: ContentfulStatusCode } | undefined {
  if (!(err instanceof AppError)) return undefined;
  if (err.code === "RATE_LIMITED") {
    if (err.details?.retryAfter) c.header("Retry-After", String(err.details.retryAfter));
    return { errors: { _form: "Too many attempts. Please wait a few minutes and try again." }, status: 429 };
  }
  const field = err.details?.field;
  if (field && fields.includes(field) && err.status < 500) return { errors: { [field]: err.message }, status: err.status };
  return undefined;
}
