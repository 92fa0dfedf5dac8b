import type { Context } from "hono";
import { CHANNEL_TYPES, type ChannelType } from "../../db/schema";
import { AppError } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { createChannel } from "../../services/channels/channels";
import type { ChannelCreateInput } from "../../services/channels/model";
import { verifyCsrf } from "../csrf";
import { readForm, type FieldErrors, type FormValues } from "../forms";
import { requireSession } from "../session";
import { renderChannels, setChannelFlash } from "./channels";
import { formFieldsOf, TYPE_FIELDS } from "./channels-forms";
import { csrfFailedPage, forbiddenPage } from "./status";

type C = Context<AppEnv>;

const blank = (v?: string) => !v || !v.trim();

/** Form strings → the API's create input. Empty optional fields are left out, so defaults apply. */
function toInput(type: ChannelType, form: Record<string, string>): { input: ChannelCreateInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (blank(form.name)) errors.name = "Enter a name for the channel";
  let debounceMs: number | undefined;
  if (!blank(form.debounce_seconds)) {
    const seconds = Number(form.debounce_seconds);
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > 600) errors.debounce_seconds = "Debounce must be a number of seconds from 0 to 600";
    else debounceMs = Math.round(seconds * 1000);
  }
  const config: Record<string, unknown> = {};
  const credentials: Record<string, string> = {};
  for (const f of TYPE_FIELDS[type]) {
    const value = form[f.name]?.trim() ?? "";
    if (!value) {
      if (!f.optional) errors[f.name] = `Enter the ${f.label.toLowerCase()}`;
      continue;
    }
    if (f.name === "allowed_origins") config.allowed_origins = value.split(/[\s,]+/).filter(Boolean);
    else if (f.part === "config") config[f.name] = value;
    else credentials[f.name] = value;
  }
  const hasCredentials = TYPE_FIELDS[type].some((f) => f.part === "credentials");
  return {
    input: { type, name: form.name?.trim() ?? "", config, credentials: hasCredentials && Object.keys(credentials).length ? credentials : undefined, debounce_ms: debounceMs },
    errors,
  };
}

/** Service errors name API paths (`credentials.bot_token`, `config.allowed_origins.0`); the form names fields. */
function formField(type: ChannelType, apiField: string | undefined): string {
  const name = (apiField ?? "").replace(/^(credentials|config)\./, "").split(".")[0]!;
  if (name === "debounce_ms" || name === "max_wait_ms") return "debounce_seconds";
  return formFieldsOf(type).includes(name) ? name : "_form";
}

export async function channelSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/app/channels");
  const type = CHANNEL_TYPES.find((t) => t === form.type);
  if (!type) return renderChannels(c, { form: { errors: { _form: "Choose a channel type" } } }, 400);
  // Secrets are never written back into the page; the person types them again after an error.
  const secret = new Set(TYPE_FIELDS[type].filter((f) => f.secret).map((f) => f.name));
  const values: FormValues = Object.fromEntries(formFieldsOf(type).filter((f) => !secret.has(f)).map((f) => [f, form[f]]));

  const { input, errors } = toInput(type, form);
  if (Object.keys(errors).length) return renderChannels(c, { type, form: { values, errors } }, 400);
  try {
    const channel = await createChannel({ ctx: c.get("ctx"), input });
    setChannelFlash(c, { name: channel.name, secret: channel.signing_secret });
    return c.redirect("/app/channels#channels", 303);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === "FORBIDDEN") return forbiddenPage(c, "Your role cannot connect channels.");
    if (err.code === "VALIDATION_FAILED") return renderChannels(c, { type, form: { values, errors: { [formField(type, err.details?.field)]: err.message.replace(/^[\w.]+: /, "") } } }, 400);
    if (err.code === "UNAVAILABLE") return renderChannels(c, { type, form: { values, errors: { _form: err.message } } }, 503);
    throw err;
  }
}
