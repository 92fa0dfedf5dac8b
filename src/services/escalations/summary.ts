/**
 * What a call summary says (seed 000's call_summaries), written from the customer's messages and what
 * was done: by the bot when its flow ends or hands over, and when a conversation is resolved (by an
 * agent, a rule or the API; see summarizeOnResolve). One composer for both, so a summary reads the same
 * whoever ended the conversation. Offline and deterministic: it quotes, it does not paraphrase.
 */
import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import type { ReadDb } from "../../db/client";
import { conversations, escalations, messageAnnotations, messages, reservations, tickets } from "../../db/schema";
import type { OutboxHandler } from "../../queues/outbox-consumer";
import { storableText } from "../../channels/storable";
import { AppError } from "../../lib/errors";
import { contentText } from "../conversations/model";
import { callSummaryUpsert } from "./escalations";
import type { CallSummaryInput } from "./model";

/** One message of the customer's, oldest first, with what the annotator made of it (when it ran). */
export interface SummaryLine {
  text: string;
  intent?: string | null;
  sentiment?: { score: number; label: string } | null;
  language?: string | null;
}

/** The intent of a message that says nothing about why the customer wrote ("Hola", "thanks"): never the lead. */
const SMALL_TALK = "noise_low_intent";
/** Intents the summary's lead is not prefixed with. */
const NO_PREFIX = new Set([SMALL_TALK, "unknown"]);

/** How many of the customer's latest messages a summary reads. */
const SUMMARY_HISTORY = 20;

export type ComposedSummary = Omit<CallSummaryInput, "conversation_id">;

/**
 * The summary: the lead is the customer's first message that says why they wrote (a greeting is
 * skipped), prefixed with its intent; the key points are the last five messages; the overall sentiment
 * is `angry` when any message was, else the mean score's label (the annotator's ±0.25 thresholds).
 */
export function composeSummary(lines: SummaryLine[], o: { actions: string[]; resolved: boolean; language?: string }): ComposedSummary {
  const said = lines.map((l) => ({ ...l, text: l.text.trim() })).filter((l) => l.text);
  const lead = said.find((l) => l.intent !== SMALL_TALK) ?? said[0];
  const prefix = lead?.intent && !NO_PREFIX.has(lead.intent) ? `${lead.intent.replace(/_/g, " ")}: ` : "";
  const others = said.length - (lead ? 1 : 0);
  const scored = said.filter((l) => l.sentiment);
  const mean = scored.length ? scored.reduce((s, l) => s + l.sentiment!.score, 0) / scored.length : undefined;
  const sentiment = scored.some((l) => l.sentiment!.label === "angry") ? "angry" : mean === undefined ? undefined : mean >= 0.25 ? "positive" : mean <= -0.25 ? "negative" : "neutral";
  // "und" (too short to tell, like "no") gives way to the last language a message did tell.
  const told = (l?: string | null) => (l && l !== "und" ? l : undefined);
  const language = told(o.language) ?? [...said].reverse().find((l) => told(l.language))?.language ?? o.language ?? undefined;
  return {
    summary: lead ? `${prefix}${lead.text.slice(0, 400)}${others > 0 ? ` (+${others} more message${others === 1 ? "" : "s"})` : ""}` : "No message from the customer",
    key_points: said.slice(-5).map((l) => l.text.slice(0, 300)),
    action_items: o.actions.filter(Boolean),
    ...(sentiment && { overall_sentiment: sentiment }),
    // Only greetings or thanks: nothing was asked, so nothing was resolved.
    resolution_detected: o.resolved && lead !== undefined && lead.intent !== SMALL_TALK && sentiment !== "negative" && sentiment !== "angry",
    ...(language && { language }),
  };
}

/** Lengths and characters the call summary's schema accepts (a quoted message can be anything). */
export function cleanSummary(s: ComposedSummary): ComposedSummary {
  // Well-formed (a cut emoji's half becomes U+FFFD), no NUL or other controls but line breaks, not blank.
  const clip = (t: string, n: number) => storableText(t, n).trim() || "-";
  return {
    ...s,
    summary: clip(s.summary, 20_000),
    key_points: s.key_points?.slice(0, 50).map((t) => clip(t, 1000)),
    action_items: s.action_items?.slice(0, 50).map((t) => clip(t, 1000)),
    ...(s.language && !/^[a-z]{2,3}$|^und$/.test(s.language) && { language: undefined }),
  };
}

/**
 * The customer's messages of a conversation with their annotations, oldest first: the last
 * SUMMARY_HISTORY, or the last before `beforeSequence` (a turn's own messages, which it has in hand).
 */
export function customerLinesQuery(db: ReadDb, conversationId: string, beforeSequence?: number) {
  return db
    .select({ content: messages.content, intent: messageAnnotations.intent, score: messageAnnotations.sentimentScore, label: messageAnnotations.sentimentLabel, language: messageAnnotations.language })
    .from(messages)
    .leftJoin(messageAnnotations, eq(messageAnnotations.messageId, messages.id))
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "inbound"), beforeSequence === undefined ? undefined : lt(messages.sequence, beforeSequence)))
    .orderBy(desc(messages.sequence))
    .limit(SUMMARY_HISTORY);
}

type LineRow = { content: unknown; intent: string | null; score: number | null; label: string | null; language: string | null };

export const toSummaryLines = (rows: LineRow[]): SummaryLine[] =>
  [...rows].reverse().map((r) => ({ text: contentText(r.content as never), intent: r.intent, sentiment: r.label === null || r.score === null ? null : { score: r.score, label: r.label }, language: r.language }));

const StateChanged = z.object({ conversation_id: z.string().uuid(), to: z.string() });

/**
 * `conversation.state_changed` to `resolved` → the conversation's call summary, over the whole
 * conversation, with what was done in it (tickets, hand-overs, reservations) as its action items. An
 * upsert: a redelivered event writes the same summary again; a conversation reopened before the event
 * ran is left as it is (its next resolution summarizes it).
 */
export const summarizeOnResolve: OutboxHandler = async ({ ctx, event }) => {
  const parsed = StateChanged.safeParse(event.payload);
  if (!parsed.success || parsed.data.to !== "resolved") return;
  const id = parsed.data.conversation_id;
  try {
    // One transaction, the conversation's row locked: a reopen (or a bot turn writing its own summary)
    // waits for this one, so a stale "resolved" summary never overwrites a newer one.
    await ctx.db.scoped({ tenantId: event.tenant_id }, async (tx) => {
      const [conv] = await tx.select({ state: conversations.state }).from(conversations).where(eq(conversations.id, id)).for("update");
      if (conv?.state !== "resolved") return;
      const lines = toSummaryLines(await customerLinesQuery(tx, id));
      const ticketRows = await tx.select({ number: tickets.ticketNumber, title: tickets.title, status: tickets.status }).from(tickets).where(eq(tickets.conversationId, id)).orderBy(tickets.createdAt);
      const escalationRows = await tx.select({ reason: escalations.reason }).from(escalations).where(eq(escalations.conversationId, id)).orderBy(escalations.createdAt);
      const reservationRows = await tx.select({ code: reservations.confirmationCode, status: reservations.status }).from(reservations).where(eq(reservations.conversationId, id)).orderBy(reservations.createdAt);
      const actions = [
        ...ticketRows.map((t) => `Ticket ${t.number} (${t.status}): ${t.title}`),
        ...escalationRows.map((e) => `Handed to a human${e.reason ? `: ${e.reason}` : ""}`),
        ...reservationRows.map((r) => `Reservation ${r.code} (${r.status})`),
      ];
      // Resolved by a person or a rule: that is the resolution, whatever the customer's mood on the way.
      const summary = { ...cleanSummary(composeSummary(lines, { actions, resolved: true })), resolution_detected: true };
      await callSummaryUpsert(tx, event.tenant_id, { conversation_id: id, ...summary });
    });
  } catch (err) {
    // A summary the schema refuses would be refused on every retry, and retrying the event re-runs its
    // other consumers: it is logged and left out. Anything else (Postgres down) is retried.
    if (err instanceof AppError && err.code === "VALIDATION_FAILED") {
      ctx.log.error("call summary not written: it did not pass validation", { conversation_id: id, event_id: event.id });
      return;
    }
    throw err;
  }
};
