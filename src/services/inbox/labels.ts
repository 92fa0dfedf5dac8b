import { eq, inArray } from "drizzle-orm";
import type { Ids, ReadDb } from "../../db/client";
import { channels, contacts, tenantMembers, users, type ChannelType } from "../../db/schema";
import { readTenant } from "../access-read";
import type { ServiceContext } from "../context";

export interface InboxLabels {
  /** Contact id → what to call them: name, else email, else phone, else a short provider id. */
  contacts: Record<string, string>;
  channels: Record<string, { name: string; type: ChannelType }>;
  /** User id → name or email, for assignees and agents' replies; only members of this workspace. */
  people: Record<string, string>;
}

const unique = (ids: Array<string | null | undefined>) => [...new Set(ids.filter((x): x is string => !!x))];

export function contactLabel(c: { name: string | null; emails: string[]; phones: string[]; externalIds: Record<string, string> }): string {
  if (c.name?.trim()) return c.name;
  if (c.emails[0]) return c.emails[0];
  if (c.phones[0]) return c.phones[0];
  const external = Object.values(c.externalIds)[0];
  return external ? `Visitor ${external.slice(-6)}` : "Unknown contact";
}


/** The three lookups behind `inboxLabels`, for a caller's one-round-trip batch (an empty list matches nothing). */
export function labelReads(db: ReadDb, ids: { contactIds: Ids; channelIds: Ids; userIds: Ids }) {
  return [
    db.select({ id: contacts.id, name: contacts.name, emails: contacts.emails, phones: contacts.phones, externalIds: contacts.externalIds }).from(contacts).where(inArray(contacts.id, ids.contactIds)),
    db.select({ id: channels.id, name: channels.name, type: channels.type }).from(channels).where(inArray(channels.id, ids.channelIds)),
    // Through tenant_members, so only people of this workspace are ever named.
    db.select({ id: users.id, name: users.name, email: users.email }).from(tenantMembers).innerJoin(users, eq(users.id, tenantMembers.userId)).where(inArray(tenantMembers.userId, ids.userIds)),
  ] as const;
}

type Reads = ReturnType<typeof labelReads>;
export function labelsOf([contactRows, channelRows, peopleRows]: readonly [Awaited<Reads[0]>, Awaited<Reads[1]>, Awaited<Reads[2]>]): InboxLabels {
  return {
    contacts: Object.fromEntries(contactRows.map((c) => [c.id, contactLabel(c)])),
    channels: Object.fromEntries(channelRows.map((c) => [c.id, { name: c.name, type: c.type }])),
    people: Object.fromEntries(peopleRows.map((p) => [p.id, p.name?.trim() || p.email])),
  };
}

/**
 * The names an inbox page shows next to conversations, in one round trip: the conversation
 * rows carry only ids. Soft-deleted contacts and channels keep their names here (history stays legible).
 *
 * @example
 *   const labels = await inboxLabels({ ctx, input: { contactIds: page.data.map((c) => c.contact_id), channelIds: [...], userIds: [...] } });
 */
export async function inboxLabels({ ctx, input }: { ctx: ServiceContext; input: { contactIds: Array<string | null>; channelIds: Array<string | null>; userIds: Array<string | null> } }): Promise<InboxLabels> {
  // One round trip: the credential check and the three lookups in one batch.
  const { results } = await readTenant(ctx, "conversations:read", (db) => labelReads(db, { contactIds: unique(input.contactIds), channelIds: unique(input.channelIds), userIds: unique(input.userIds) }));
  return labelsOf(results);
}
