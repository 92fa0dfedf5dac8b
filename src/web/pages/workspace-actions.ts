import type { Context } from "hono";
import { z } from "zod";
import { ROLES } from "../../db/schema";
import { AppError } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { createContact } from "../../services/contacts/contacts";
import { ContactFields } from "../../services/contacts/model";
import { inviteMember } from "../../services/members/members";
import { verifyCsrf } from "../csrf";
import { formErrorsFrom, readForm, zodErrors } from "../forms";
import { requireSession, setFlash } from "../session";
import { csrfFailedPage, forbiddenPage } from "./status";
import { renderWorkspace } from "./workspace";
import { CONTACT_FIELDS, INVITE_FIELDS } from "./workspace-forms";

type C = Context<AppEnv>;

const blankToUndefined = (v?: string) => (v?.trim() ? v : undefined);
const email = z.string().trim().toLowerCase().max(254, "Email must be at most 254 characters").pipe(z.email("Enter a valid email address, like name@example.com"));

/** Form strings in, the API's contact input out; phones use the API's own rule (it normalises "+1 (555) 123-4567"). */
const ContactFormSchema = z
  .object({
    name: z.string().trim().max(200, "Name must be at most 200 characters").optional(),
    email: email.optional(),
    phone: ContactFields.shape.phone,
    tags: z
      .string()
      .max(2000, "Too many tags")
      .transform((s) => s.split(",").map((t) => t.trim()).filter(Boolean))
      .pipe(z.array(z.string().max(64, "Each tag must be at most 64 characters")).max(50, "At most 50 tags"))
      .optional(),
  })
  .refine((v) => v.name || v.email || v.phone, { message: "Enter a name, email or phone number", path: ["name"] });

const InviteSchema = z.object({
  email: z.string().trim().min(1, "Enter the email address to invite").pipe(email),
  role: z.enum(ROLES, { message: "Choose a role" }),
});

export async function contactSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/app");
  const values = { name: form.name, email: form.email, phone: form.phone, tags: form.tags };

  const parsed = ContactFormSchema.safeParse({ name: blankToUndefined(form.name), email: blankToUndefined(form.email), phone: blankToUndefined(form.phone), tags: blankToUndefined(form.tags) });
  if (!parsed.success) return renderWorkspace(c, { contact: { values, errors: zodErrors(parsed.error) } }, 400);
  try {
    const contact = await createContact({ ctx: c.get("ctx"), input: parsed.data });
    setFlash(c, { kind: "contact", name: contact.name ?? contact.email ?? contact.phone ?? "" });
    return c.redirect("/app#contacts", 303);
  } catch (err) {
    if (err instanceof AppError && err.code === "FORBIDDEN") return forbiddenPage(c, "Your role cannot add contacts.");
    const mapped = formErrorsFrom(c, err, CONTACT_FIELDS);
    if (!mapped) throw err;
    return renderWorkspace(c, { contact: { values, errors: mapped.errors } }, mapped.status);
  }
}

export async function memberSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/app");
  const values = { email: form.email, role: form.role };

  const parsed = InviteSchema.safeParse(form);
  if (!parsed.success) return renderWorkspace(c, { invite: { values, errors: zodErrors(parsed.error) } }, 400);
  try {
    const { member, invitation } = await inviteMember({ ctx: c.get("ctx"), input: parsed.data });
    setFlash(c, { kind: "invited", email: member.email, url: invitation.url });
    return c.redirect("/app#members", 303);
  } catch (err) {
    if (err instanceof AppError && err.code === "FORBIDDEN") return forbiddenPage(c, "Your role cannot invite members with that role.");
    const mapped = formErrorsFrom(c, err, INVITE_FIELDS);
    if (!mapped) throw err;
    return renderWorkspace(c, { invite: { values, errors: mapped.errors } }, mapped.status);
  }
}
