import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { conversations, internalNotes, notifications, tenantMembers, users } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { withTenant } from "../access";
import type { ServiceContext } from "../context";
import { authorOf, recordChange, type Author } from "../tickets/author";
import { parseInput } from "../tickets/validate";
import { NoteInput, type Note, type Notification } from "./model";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toNote = (r: typeof internalNotes.$inferSelect): Note => ({ id: r.id, conversation_id: r.conversationId, author_id: r.authorId, author_type: r.authorType, content: r.content, mentions: r.mentions, created_at: r.createdAt.toISOString() });
const toNotification = (r: typeof notifications.$inferSelect): Notification => ({ id: r.id, kind: r.kind, conversation_id: r.conversationId, note_id: r.noteId, actor_id: r.actorId, body: r.body, read_at: iso(r.readAt), created_at: r.createdAt.toISOString() });

/** `@token`s of a note: an email (`@ana@example.com`), its local part (`@ana`) or a name without spaces (`@AnaLopez`). */
export function mentionTokens(content: string): string[] {
  const out = new Set<string>();
  for (const m of content.matchAll(/(?:^|[^\w@])@([\p{L}\p{N}._+-]+(?:@[\p{L}\p{N}.-]+\.[\p{L}]{2,})?)/gu)) out.add(m[1]!.replace(/[.]+$/, "").toLowerCase());
  return [...out];
}

/** The active members a note's tokens name (each token matches at most the members it names exactly). */
async function resolveMentions(tx: Tx, tenantId: string, content: string): Promise<string[]> {
  const tokens = mentionTokens(content);
  if (tokens.length === 0) return [];
  const members = await tx
    .select({ userId: tenantMembers.userId, email: users.email, name: users.name })
    .from(tenantMembers)
    .innerJoin(users, eq(users.id, tenantMembers.userId))
    .where(and(eq(tenantMembers.tenantId, tenantId), eq(tenantMembers.status, "active")));
  const hit = new Set<string>();
  for (const m of members) {
    const keys = [m.email, m.email.split("@")[0]!, (m.name ?? "").replace(/\s+/g, "").toLowerCase(), (m.name ?? "").split(/\s+/)[0]!.toLowerCase()].filter(Boolean);
    if (tokens.some((t) => keys.includes(t))) hit.add(m.userId);
  }
  return [...hit];
}

/**
 * Adds an internal note inside the caller's transaction (the API, or an automation rule's `add note`).
 * Notes live apart from messages, so no send path can ever pick one up for the customer. Every member
 * mentioned, but the author, gets an inbox notification.
 *
 * @example
 *   await addNote(tx, tenantId, { conversation_id, content: "SLA breached: raised to P1" }, { actorType: "automation", actorId: ruleId });
 */
export async function addNote(tx: Tx, tenantId: string, input: { conversation_id: string; content: string }, by: Author & { userId?: string | null }): Promise<Note> {
  const { content } = parseInput(NoteInput, { content: input.content });
  const [conv] = await tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.id, input.conversation_id), eq(conversations.tenantId, tenantId)));
  if (!conv) throw notFound("Conversation");
  const mentions = (await resolveMentions(tx, tenantId, content)).filter((id) => id !== by.userId);
  const id = crypto.randomUUID();
  const [row] = await tx
    .insert(internalNotes)
    .values({ id, tenantId, conversationId: conv.id, authorId: by.userId ?? null, authorType: by.userId ? "user" : by.actorType, content, mentions })
    .returning();
  if (mentions.length) {
    const preview = content.length > 140 ? `${content.slice(0, 139)}…` : content;
    await tx.insert(notifications).values(mentions.map((userId) => ({ id: crypto.randomUUID(), tenantId, userId, kind: "mention" as const, conversationId: conv.id, noteId: id, actorId: by.userId ?? null, body: preview })));
  }
  await recordChange(tx, tenantId, by, { entityType: "conversation", entityId: conv.id, action: "note.created", data: { note_id: id, mentions } });
  return toNote(row!);
}

export async function createNote({ ctx, input }: { ctx: ServiceContext; input: { id: string; content: string } }): Promise<Note> {
  return withTenant(ctx, "conversations:write", async (tx, p) => addNote(tx, p.tenant.id, { conversation_id: input.id, content: input.content }, { ...authorOf(ctx, p), userId: p.type === "user" ? p.userId : null }));
}

export async function listNotesIn(tx: Tx, tenantId: string, conversationId: string): Promise<Note[]> {
  const rows = await tx
    .select()
    .from(internalNotes)
    .where(and(eq(internalNotes.tenantId, tenantId), eq(internalNotes.conversationId, conversationId)))
    .orderBy(asc(internalNotes.createdAt), asc(internalNotes.id))
    .limit(500);
  return rows.map(toNote);
}

export async function listNotes({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<{ data: Note[]; next_cursor: null }> {
  return withTenant(ctx, "conversations:read", async (tx, p) => {
    const [conv] = await tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.id, input.id), eq(conversations.tenantId, p.tenant.id)));
    if (!conv) throw notFound("Conversation");
    return { data: await listNotesIn(tx, p.tenant.id, conv.id), next_cursor: null };
  });
}

/** The signed-in member's notifications, newest first; API keys have no inbox. */
export async function listNotifications({ ctx, input }: { ctx: ServiceContext; input: { unread?: boolean; limit?: number } }): Promise<{ data: Notification[]; unread: number; next_cursor: null }> {
  return withTenant(ctx, "conversations:read", async (tx, p) => {
    if (p.type !== "user") throw new AppError("FORBIDDEN", "Notifications belong to a signed-in member");
    const mine = and(eq(notifications.tenantId, p.tenant.id), eq(notifications.userId, p.userId));
    const rows = await tx
      .select()
      .from(notifications)
      .where(and(mine, input.unread ? isNull(notifications.readAt) : undefined))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(Math.min(input.limit ?? 50, 200));
    const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(notifications).where(and(mine, isNull(notifications.readAt)));
    return { data: rows.map(toNotification), unread: count?.n ?? 0, next_cursor: null };
  });
}

/** Marks one of the member's notifications read (someone else's is not found). Idempotent. */
export async function markNotificationRead({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Notification> {
  return withTenant(ctx, "conversations:read", async (tx, p) => {
    if (p.type !== "user") throw new AppError("FORBIDDEN", "Notifications belong to a signed-in member");
    const [row] = await tx
      .update(notifications)
      .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
      .where(and(eq(notifications.id, input.id), eq(notifications.tenantId, p.tenant.id), eq(notifications.userId, p.userId)))
      .returning();
    if (!row) throw notFound("Notification");
    return toNotification(row);
  });
}
