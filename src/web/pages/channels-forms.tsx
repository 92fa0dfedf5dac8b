import { CHANNEL_TYPES, type ChannelType } from "../../db/schema";
import { CsrfField, ErrorSummary, Field, firstInvalid, type FormState } from "../forms";

export const TYPE_LABELS: Record<ChannelType, string> = {
  whatsapp: "WhatsApp",
  telegram: "Telegram",
  twilio_sms: "SMS (Twilio)",
  api: "API",
  webchat: "Web chat",
  email: "Email",
};

export interface ChannelField {
  name: string;
  label: string;
  /** Where the value goes in the API input. */
  part: "credentials" | "config";
  /** Secrets use password inputs, which are never filled back in when the form is shown again. */
  secret?: boolean;
  optional?: boolean;
  hint?: string;
  type?: "text" | "tel" | "email";
}

/** The per-type fields of the connect form, in the words of each provider's console. */
export const TYPE_FIELDS: Record<ChannelType, ChannelField[]> = {
  whatsapp: [
    { name: "phone_number_id", label: "Phone number ID", part: "credentials", hint: "WhatsApp Manager → API setup, e.g. 106540352242922" },
    { name: "access_token", label: "Access token", part: "credentials", secret: true, hint: "A system user token with whatsapp_business_messaging" },
    { name: "app_secret", label: "App secret", part: "credentials", secret: true, hint: "Meta app dashboard → Settings → Basic" },
    { name: "verify_token", label: "Verify token", part: "credentials", hint: "Any string; enter the same one in the webhook settings" },
    { name: "display_phone_number", label: "Display phone number", part: "config", optional: true, type: "tel", hint: "E.164, e.g. +15551234567" },
  ],
  telegram: [
    { name: "bot_token", label: "Bot token", part: "credentials", secret: true, hint: "From @BotFather, like 123456789:AAE…" },
    { name: "secret_token", label: "Webhook secret token", part: "credentials", hint: "16–256 of A–Z, a–z, 0–9, _ and -; pass the same value to setWebhook" },
    { name: "bot_username", label: "Bot username", part: "config", optional: true, hint: "Without the @" },
  ],
  twilio_sms: [
    { name: "from", label: "Twilio phone number", part: "config", type: "tel", hint: "E.164, e.g. +15557654321" },
    { name: "account_sid", label: "Account SID", part: "credentials", hint: "Starts with AC" },
    { name: "auth_token", label: "Auth token", part: "credentials", secret: true },
  ],
  api: [{ name: "signing_secret", label: "Signing secret", part: "credentials", secret: true, optional: true, hint: "Leave empty and Parley generates one, shown once" }],
  webchat: [{ name: "allowed_origins", label: "Allowed origins", part: "config", hint: "Sites that may open the chat, separated by commas, e.g. https://shop.example.com" }],
  email: [{ name: "address", label: "Address", part: "config", optional: true, type: "email", hint: "Inbound email is not available yet; the channel is saved for later" }],
};

export const COMMON_FIELDS = ["type", "name", "debounce_seconds"] as const;
export const formFieldsOf = (type: ChannelType) => [...COMMON_FIELDS, ...TYPE_FIELDS[type].map((f) => f.name)];
const fieldId = (name: string) => `channel-${name.replace(/_/g, "-")}`;

/** Step one, a plain GET form: which type to connect (no script, so the fields change on a new page). */
export const TypeChooser = ({ type }: { type: ChannelType }) => (
  <form method="get" action="/app/channels#connect" class="row" aria-label="Choose a channel type">
    <div class="field">
      <label for="channel-type-choice">Channel type</label>
      <select id="channel-type-choice" name="type">
        {CHANNEL_TYPES.map((t) => (
          <option value={t} selected={t === type}>
            {TYPE_LABELS[t]}
          </option>
        ))}
      </select>
    </div>
    <div class="field">
      <button type="submit" class="secondary">Show fields</button>
    </div>
  </form>
);

export const ConnectForm = ({ csrf, type, state = {} }: { csrf: string; type: ChannelType; state?: FormState }) => {
  const { values = {}, errors } = state;
  const fields = TYPE_FIELDS[type];
  const order = formFieldsOf(type);
  const focus = firstInvalid(order, errors);
  const ids = Object.fromEntries(order.map((f) => [f, fieldId(f)]));
  return (
    <>
      <h3 id="connect-form-title">New {TYPE_LABELS[type]} channel</h3>
      <ErrorSummary errors={errors} fieldIds={ids} />
      <form method="post" action="/app/channels" novalidate aria-labelledby="connect-form-title">
        <CsrfField token={csrf} />
        <input type="hidden" name="type" value={type} />
        <div class="row">
          <Field id={ids.name!} name="name" label="Name" autocomplete="off" maxlength={100} value={values.name} error={errors?.name} autofocus={focus === "name"} hint="Shown to your team, e.g. Support line" />
          <Field
            id={ids.debounce_seconds!}
            name="debounce_seconds"
            label="Debounce (seconds)"
            optional
            autocomplete="off"
            value={values.debounce_seconds}
            error={errors?.debounce_seconds}
            autofocus={focus === "debounce_seconds"}
            hint="Messages sent within this many seconds are answered together; 0–600, default 15"
          />
          {fields.map((f) => (
            <Field
              id={ids[f.name]!}
              name={f.name}
              label={f.label}
              type={f.secret ? "password" : (f.type ?? "text")}
              optional={f.optional}
              autocomplete={f.secret ? "new-password" : "off"}
              spellcheck={false}
              value={f.secret ? undefined : values[f.name]}
              error={errors?.[f.name]}
              autofocus={focus === f.name}
              hint={f.hint}
            />
          ))}
        </div>
        <button type="submit">Connect channel</button>
      </form>
    </>
  );
};
