import { z } from "@hono/zod-openapi";
import type { contacts } from "../../db/schema";
import { ATTRIBUTE_LIMITS, refineJson, refineText } from "../../lib/storable-text";

type ContactRow = typeof contacts.$inferSelect;

const phone = z
  .string()
  .trim()
  .transform((p) => p.replace(/[\s().-]/g, ""))
  .pipe(z.string().regex(/^\+?[0-9]{5,20}$/, "Phone must be digits, optionally starting with +"));
const email = z.string().trim().toLowerCase().email().max(254);
const tag = z.string().trim().min(1).max(64).superRefine(refineText);

/** Fields a contact can be created or patched with; the same schema validates and documents the API. */
export const ContactFields = z.object({
  name: z.string().trim().max(200).superRefine(refineText).nullable().optional(),
  email: email.nullable().optional().openapi({ description: "Primary email (first of `emails`)" }),
  emails: z.array(email).max(20).optional(),
  phone: phone.nullable().optional().openapi({ description: "Primary phone (first of `phones`)", example: "+15551234567" }),
  phones: z.array(phone).max(20).optional(),
  external_ids: z.record(z.string().min(1).max(40).superRefine(refineText), z.string().min(1).max(200).superRefine(refineText)).optional(),
  language: z.string().trim().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "Language must be a BCP 47 tag like en or pt-BR").nullable().optional(),
  tags: z.array(tag).max(50).optional(),
  // Free-form, so bounded as a whole: storable text everywhere, limited depth and size.
  attributes: z
    .record(z.string().max(64), z.unknown())
    .superRefine(refineJson(ATTRIBUTE_LIMITS))
    .optional()
    .openapi({ description: `Free-form JSON, at most ${ATTRIBUTE_LIMITS.maxDepth} levels deep and ${ATTRIBUTE_LIMITS.maxChars} characters` }),
});
export type ContactFieldsInput = z.infer<typeof ContactFields>;

export const ContactSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    emails: z.array(z.string()),
    phone: z.string().nullable(),
    phones: z.array(z.string()),
    external_ids: z.record(z.string(), z.string()),
    language: z.string().nullable(),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    updated_at: z.string(),
    version: z.number().int(),
  })
  .openapi("Contact");
export type Contact = z.infer<typeof ContactSchema>;

export function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    name: row.name,
    email: row.emails[0] ?? null,
    emails: row.emails,
    phone: row.phones[0] ?? null,
    phones: row.phones,
    external_ids: row.externalIds,
    language: row.language,
    tags: row.tags,
    attributes: row.attributes,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    version: row.version,
  };
}

const unique = <T>(xs: T[]) => [...new Set(xs)];

/** `email`/`phone` set the primary entry of the list; explicit lists replace it. */
function withPrimary(list: string[], primary: string | null | undefined): string[] {
  if (primary === undefined) return list;
  if (primary === null) return list.slice(1);
  return unique([primary, ...list]);
}

export function applyFields(current: Pick<ContactRow, "emails" | "phones">, input: ContactFieldsInput) {
  const emails = withPrimary(input.emails ? unique(input.emails) : current.emails, input.email);
  const phones = withPrimary(input.phones ? unique(input.phones) : current.phones, input.phone);
  return {
    ...(input.name !== undefined && { name: input.name }),
    emails,
    phones,
    ...(input.external_ids !== undefined && { externalIds: input.external_ids }),
    ...(input.language !== undefined && { language: input.language }),
    ...(input.tags !== undefined && { tags: unique(input.tags) }),
    ...(input.attributes !== undefined && { attributes: input.attributes }),
  };
}
