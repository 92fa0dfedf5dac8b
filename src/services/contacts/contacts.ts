import { and, desc, eq, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { contacts } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { actorRef, withTenant, type Principal } from "../access";
import { emitEvent, recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { applyFields, toContact, type Contact, type ContactFieldsInput } from "./model";

async function findLive(tx: Tx, id: string, lock = false) {
  const q = tx.select().from(contacts).where(and(eq(contacts.id, id), isNull(contacts.deletedAt))).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("Contact");
  return row;
}

async function track(tx: Tx, ctx: ServiceContext, p: Principal, action: "created" | "updated" | "deleted" | "merged", id: string, data: Record<string, unknown> = {}) {
  await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: `contact.${action}`, entityType: "contact", entityId: id, data });
  await emitEvent(tx, { tenantId: p.tenant.id, type: `contact.${action}`, aggregateType: "contact", aggregateId: id, payload: { contact_id: id, ...data } });
}

export async function createContact({ ctx, input }: { ctx: ServiceContext; input: ContactFieldsInput }): Promise<Contact> {
  return withTenant(ctx, "contacts:write", async (tx, p) => {
    const id = crypto.randomUUID();
    const [row] = await tx
      .insert(contacts)
      .values({ id, tenantId: p.tenant.id, ...applyFields({ emails: [], phones: [] }, input) })
      .returning();
    await track(tx, ctx, p, "created", id);
    return toContact(row!);
  });
}

export async function getContact({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Contact> {
  return withTenant(ctx, "contacts:read", async (tx) => toContact(await findLive(tx, input.id)));
}

export async function listContacts({ ctx, input }: { ctx: ServiceContext; input: { cursor?: string; limit: number; q?: string; tag?: string } }) {
  return withTenant(ctx, "contacts:read", async (tx) => {
    const filters: SQL[] = [isNull(contacts.deletedAt)];
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    if (after) filters.push(or(lt(contacts.createdAt, after.at), and(eq(contacts.createdAt, after.at), lt(contacts.id, after.id)))!);
    if (input.tag) filters.push(sql`${input.tag} = any(${contacts.tags})`);
    if (input.q) {
      const like = `%${input.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      filters.push(sql`(${contacts.name} ilike ${like} or exists (select 1 from unnest(${contacts.emails}) e where e ilike ${like}) or exists (select 1 from unnest(${contacts.phones}) p where p ilike ${like}))`);
    }
    const rows = await tx
      .select()
      .from(contacts)
      .where(and(...filters))
      .orderBy(desc(contacts.createdAt), desc(contacts.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return { data: page.map(toContact), next_cursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  });
}

export async function updateContact({ ctx, input }: { ctx: ServiceContext; input: { id: string; fields: ContactFieldsInput; expectedVersion?: number } }): Promise<Contact> {
  return withTenant(ctx, "contacts:write", async (tx, p) => {
    const current = await findLive(tx, input.id, true);
    if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
      throw new AppError("VERSION_CONFLICT", `Contact is at version ${current.version}, not ${input.expectedVersion}`, { field: "version" });
    }
    const [row] = await tx
      .update(contacts)
      .set({ ...applyFields(current, input.fields), updatedAt: sql`now()`, version: sql`${contacts.version} + 1` })
      .where(eq(contacts.id, input.id))
      .returning();
    await track(tx, ctx, p, "updated", input.id, { fields: Object.keys(input.fields) });
    return toContact(row!);
  });
}

export async function deleteContact({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<void> {
  await withTenant(ctx, "contacts:write", async (tx, p) => {
    await findLive(tx, input.id, true);
    await tx.update(contacts).set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${contacts.version} + 1` }).where(eq(contacts.id, input.id));
    await track(tx, ctx, p, "deleted", input.id);
  });
}

/**
 * Folds a duplicate into this contact (same person seen on two channels): identities and tags are
 * unioned, the target's attributes win, and the source is soft-deleted. Both ids must be this tenant's.
 */
export async function mergeContacts({ ctx, input }: { ctx: ServiceContext; input: { id: string; sourceId: string } }): Promise<Contact> {
  if (input.id === input.sourceId) throw new AppError("VALIDATION_FAILED", "A contact cannot be merged into itself", { field: "source_id" });
  return withTenant(ctx, "contacts:write", async (tx, p) => {
    const target = await findLive(tx, input.id, true);
    const source = await findLive(tx, input.sourceId, true);
    const [row] = await tx
      .update(contacts)
      .set({
        name: target.name ?? source.name,
        emails: [...new Set([...target.emails, ...source.emails])],
        phones: [...new Set([...target.phones, ...source.phones])],
        externalIds: { ...source.externalIds, ...target.externalIds },
        language: target.language ?? source.language,
        tags: [...new Set([...target.tags, ...source.tags])],
        attributes: { ...source.attributes, ...target.attributes },
        updatedAt: sql`now()`,
        version: sql`${contacts.version} + 1`,
      })
      .where(eq(contacts.id, target.id))
      .returning();
    await tx
      .update(contacts)
      .set({ deletedAt: sql`now()`, attributes: { ...source.attributes, merged_into: target.id }, version: sql`${contacts.version} + 1` })
      .where(eq(contacts.id, source.id));
    await track(tx, ctx, p, "merged", target.id, { source_id: source.id });
    return toContact(row!);
  });
}
