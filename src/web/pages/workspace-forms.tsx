import type { Role } from "../../db/schema";
import { CsrfField, ErrorSummary, Field, firstInvalid, SelectField, type FormState } from "../forms";

export const CONTACT_FIELDS = ["name", "email", "phone", "tags"] as const;
export const INVITE_FIELDS = ["email", "role"] as const;
const contactIds = Object.fromEntries(CONTACT_FIELDS.map((f) => [f, `contact-${f}`]));
const inviteIds = Object.fromEntries(INVITE_FIELDS.map((f) => [f, `invite-${f}`]));

export const ContactForm = ({ csrf, state = {} }: { csrf: string; state?: FormState }) => {
  const { values = {}, errors } = state;
  const focus = firstInvalid(CONTACT_FIELDS, errors);
  return (
    <>
      <h3 id="add-contact">Add a contact</h3>
      <ErrorSummary errors={errors} fieldIds={contactIds} />
      <form method="post" action="/app/contacts" novalidate aria-labelledby="add-contact">
        <CsrfField token={csrf} />
        <div class="row">
          <Field id={contactIds.name!} name="name" label="Name" optional autocomplete="off" value={values.name} error={errors?.name} autofocus={focus === "name"} maxlength={200} />
          <Field id={contactIds.email!} name="email" label="Email" type="email" optional autocomplete="off" spellcheck={false} value={values.email} error={errors?.email} autofocus={focus === "email"} />
          <Field id={contactIds.phone!} name="phone" label="Phone" type="tel" optional autocomplete="off" hint="With country code, e.g. +15551234567" value={values.phone} error={errors?.phone} autofocus={focus === "phone"} />
          <Field id={contactIds.tags!} name="tags" label="Tags" optional autocomplete="off" hint="Separate with commas, e.g. vip, lead" value={values.tags} error={errors?.tags} autofocus={focus === "tags"} />
        </div>
        <button type="submit">Add contact</button>
      </form>
    </>
  );
};

export const InviteForm = ({ csrf, roles, state = {} }: { csrf: string; roles: readonly Role[]; state?: FormState }) => {
  const { values = {}, errors } = state;
  const focus = firstInvalid(INVITE_FIELDS, errors);
  return (
    <>
      <h3 id="invite-member">Invite a member</h3>
      <ErrorSummary errors={errors} fieldIds={inviteIds} />
      <form method="post" action="/app/members" novalidate aria-labelledby="invite-member">
        <CsrfField token={csrf} />
        <div class="row">
          <Field id={inviteIds.email!} name="email" label="Email" type="email" autocomplete="off" spellcheck={false} value={values.email} error={errors?.email} autofocus={focus === "email"} />
          <SelectField id={inviteIds.role!} name="role" label="Role" options={roles} value={values.role ?? "agent"} error={errors?.role} />
        </div>
        <button type="submit">Send invitation</button>
      </form>
    </>
  );
};

