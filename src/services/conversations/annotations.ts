import { z } from "@hono/zod-openapi";
import { and, asc, desc, eq, isNotNull, sql } from "drizzle-orm";
import { conversations, messageAnnotations, messages } from "../../db/schema";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { AppError, notFound } from "../../lib/errors";
import { LanguageCode, PRIORITIES, SENTIMENT_LABELS } from "../../understanding/port";
import type { MessageContent } from "../../channels/inbound";
import { actorRef, withTenant } from "../access";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { findConversation } from "./conversations";
import { contentText, toAnnotations, toMessage, type Message } from "./model";

/**
 * What an agent may say an inbound message really was. Intents are the default taxonomy or a
 * workspace's own, so any snake_case word is accepted rather than a fixed list.
 */
export const AnnotationCorrectionSchema = z
  .object({
    intent: z.string().regex(/^[a-z_]{2,64}$/, "an intent: 2–64 lowercase letters and underscores, e.g. account_access_issue").optional(),
    sentiment: z.enum(SENTIMENT_LABELS).optional().openapi({ description: "A sentiment label" }),
    priority: z.enum(PRIORITIES).optional(),
    language: LanguageCode.optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Give at least one of intent, sentiment, priority, language", path: ["intent"] })
  .openapi("AnnotationCorrection");
export type AnnotationCorrection = z.infer<typeof AnnotationCorrectionSchema>;

/** One corrected annotation as training data: the eval's labelled-case shape plus what the annotator said. */
export const CorrectionExportSchema = z
  .object({
    message_id: z.string().uuid(),
    conversation_id: z.string().uuid(),
    text: z.string(),
    language: z.string(),
    intent: z.string(),
    sentiment: z.string(),
    priority: z.string(),
    original: z.record(z.string(), z.unknown()).nullable().openapi({ description: "The annotator's own answer before any correction" }),
    corrected_at: z.string(),
  })
  .openapi("AnnotationCorrectionExport");
export type CorrectionExport = z.infer<typeof CorrectionExportSchema>;

/**
 * An agent says what an inbound message really was. The annotator's first answer is kept in `original`
 * (later corrections never overwrite it: that is the training signal), and the conversation's own
 * language/intent/sentiment/priority follow when this is its latest understood message, so the inbox's
 * priority filter agrees with what the agent just said.
 *
 * @example
 *   await correctAnnotation({ ctx, input: { conversationId, messageId, correction: { priority: "P1" } } });
 */
export async function correctAnnotation({ ctx, input }: { ctx: ServiceContext; input: { conversationId: string; messageId: string; correction: AnnotationCorrection } }): Promise<Message> {
  const parsed = AnnotationCorrectionSchema.safeParse(input.correction);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("VALIDATION_FAILED", `${issue?.path.join(".") || "correction"}: ${issue?.message ?? "invalid"}`, { field: issue?.path.join(".") || undefined });
  }
  const fix = parsed.data;
  return withTenant(ctx, "conversations:write", async (tx, p) => {
    await findConversation(tx, input.conversationId, true);
    // A message of another conversation (or tenant, via RLS) is simply not here.
    const [row] = await tx
      .select({ message: messages, annotation: messageAnnotations })
      .from(messages)
      .innerJoin(messageAnnotations, eq(messageAnnotations.messageId, messages.id))
      .where(and(eq(messages.id, input.messageId), eq(messages.conversationId, input.conversationId)))
      .for("update");
    if (!row) throw notFound("Annotated message");
    const a = row.annotation;
    const original = a.original ?? {
      language: a.language,
      intent: a.intent,
      sentiment: { score: a.sentimentScore, label: a.sentimentLabel },
      urgency: a.urgency,
      priority: a.priority,
      source: a.source,
    };
    const [updated] = await tx
      .update(messageAnnotations)
      .set({
        ...(fix.intent && { intent: fix.intent }),
        ...(fix.sentiment && { sentimentLabel: fix.sentiment }),
        ...(fix.priority && { priority: fix.priority }),
        ...(fix.language && { language: fix.language }),
        original,
        correctedBy: p.type === "user" ? p.userId : null,
        correctedAt: sql`now()`,
      })
      .where(eq(messageAnnotations.messageId, a.messageId))
      .returning();

    const [latest] = await tx
      .select({ id: messages.id })
      .from(messageAnnotations)
      .innerJoin(messages, eq(messages.id, messageAnnotations.messageId))
      .where(eq(messageAnnotations.conversationId, input.conversationId))
      .orderBy(desc(messages.sequence))
      .limit(1);
    if (latest?.id === a.messageId) {
      await tx
        .update(conversations)
        .set({
          ...(fix.intent && { intent: fix.intent }),
          ...(fix.sentiment && { sentimentLabel: fix.sentiment }),
          ...(fix.priority && { priority: fix.priority }),
          ...(fix.language && { language: fix.language }),
          updatedAt: sql`now()`,
          version: sql`${conversations.version} + 1`,
        })
        .where(eq(conversations.id, input.conversationId));
    }
    const before = { intent: a.intent, sentiment: a.sentimentLabel, priority: a.priority, language: a.language };
    await recordAudit(tx, ctx, {
      tenantId: p.tenant.id,
      ...actorRef(p),
      action: "annotation.corrected",
      entityType: "message",
      entityId: a.messageId,
      data: { conversation_id: input.conversationId, from: before, to: fix },
    });
    return { ...toMessage(row.message), annotations: toAnnotations(updated!) };
  });
}

/** Corrected annotations oldest correction first, as training data; the cursor resumes an export. */
export async function listCorrections({ ctx, input }: { ctx: ServiceContext; input: { cursor?: string; limit: number } }) {
  return withTenant(ctx, "conversations:read", async (tx) => {
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    // Cursors carry milliseconds; Postgres keeps microseconds. Comparing at the cursor's precision keeps a
    // row from coming back on the next page.
    const at = sql<Date>`date_trunc('milliseconds', ${messageAnnotations.correctedAt})`;
    const rows = await tx
      .select({ annotation: messageAnnotations, at, text: messages.text, content: messages.content })
      .from(messageAnnotations)
      .innerJoin(messages, eq(messages.id, messageAnnotations.messageId))
      .where(
        and(
          isNotNull(messageAnnotations.correctedAt),
          after ? sql`(${at}, ${messageAnnotations.messageId}) > (${after.at}, ${after.id})` : undefined,
        ),
      )
      .orderBy(asc(at), asc(messageAnnotations.messageId))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    const data: CorrectionExport[] = page.map(({ annotation: a, text, content }) => ({
      message_id: a.messageId,
      conversation_id: a.conversationId,
      text: text ?? contentText(content as MessageContent),
      language: a.language,
      intent: a.intent,
      sentiment: a.sentimentLabel,
      priority: a.priority,
      original: a.original ?? null,
      corrected_at: a.correctedAt!.toISOString(),
    }));
    return { data, next_cursor: rows.length > input.limit && last ? encodeCursor(new Date(last.at), last.annotation.messageId) : null };
  });
}
