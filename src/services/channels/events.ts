import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "@hono/zod-openapi";
import { parseDelivery } from "../../channels/ingest";
import { InboundParseError } from "../../channels/inbound";
import { channelEvents, channels } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { actorRef, withTenant } from "../access";
import { recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { ingestEmail } from "../ingest/email";
import { ingest } from "../ingest/ingest";
import { loadChannelForWebhook } from "./lookup";

export const ChannelEventSchema = z
  .object({
    id: z.number().int(),
    channel_id: z.string().uuid(),
    received_at: z.string(),
    verdict: z.enum(["accepted", "rejected", "ignored"]),
    reason: z.string().nullable(),
    event_type: z.string().nullable(),
    external_ids: z.array(z.string()),
    headers: z.record(z.string(), z.string()),
    body: z.string(),
    body_truncated: z.boolean(),
  })
  .openapi("ChannelEvent");

/** The raw webhook log of one channel, newest first: what the provider sent, and what Parley made of it. */
export async function listChannelEvents({ ctx, input }: { ctx: ServiceContext; input: { channelId: string; before?: number; limit: number; verdict?: "accepted" | "rejected" | "ignored" } }) {
  return withTenant(ctx, "channels:read", async (tx) => {
    const [channel] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.id, input.channelId));
    if (!channel) throw notFound("Channel");
    const rows = await tx
      .select()
      .from(channelEvents)
      .where(and(eq(channelEvents.channelId, input.channelId), input.before ? lt(channelEvents.id, input.before) : undefined, input.verdict ? eq(channelEvents.verdict, input.verdict) : undefined))
      .orderBy(desc(channelEvents.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    return {
      data: page.map((r) => ({
        id: r.id,
        channel_id: r.channelId,
        received_at: r.receivedAt.toISOString(),
        verdict: r.verdict,
        reason: r.reason,
        event_type: r.eventType,
        external_ids: r.externalIds,
        headers: r.headers,
        body: r.body,
        body_truncated: r.bodyTruncated,
      })),
      next_cursor: rows.length > input.limit ? String(page.at(-1)!.id) : null,
    };
  });
}

/**
 * Runs a logged delivery through ingestion again (after a fix, or to recover a bug's victims). Only
 * deliveries that passed signature verification when they arrived can be replayed — replay must not
 * become a way around it — and dedupe makes replaying something already stored a no-op.
 */
export async function replayChannelEvent({ ctx, input }: { ctx: ServiceContext; input: { channelId: string; eventId: number } }) {
  const { event, channel } = await withTenant(ctx, "channels:write", async (tx, p) => {
    const [event] = await tx.select().from(channelEvents).where(and(eq(channelEvents.id, input.eventId), eq(channelEvents.channelId, input.channelId)));
    if (!event) throw notFound("Channel event");
    if (event.verdict === "rejected" && !event.reason?.startsWith("invalid payload")) {
      throw new AppError("CONFLICT", "Only deliveries that passed verification can be replayed", { field: "verdict" });
    }
    if (event.bodyTruncated) throw new AppError("CONFLICT", "The logged body was truncated and cannot be replayed", { field: "body" });
    const channel = await loadChannelForWebhook(tx, input.channelId, ctx.config);
    if (!channel) throw notFound("Channel");
    await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "channel_event.replayed", entityType: "channel_event", entityId: String(event.id) });
    return { event, channel };
  });
  const raw = new TextEncoder().encode(event.body);
  if (channel.type === "email") {
    const result = await ingestEmail({ ctx, channel, raw, headers: event.headers, source: "replay" });
    return { resubmitted: result.accepted.length, statuses: 0 };
  }
  let events;
  try {
    events = parseDelivery(channel, raw, { headers: event.headers });
  } catch (err) {
    throw new AppError("VALIDATION_FAILED", err instanceof InboundParseError ? err.message : "the logged body cannot be read", { field: "body" });
  }
  // Through the one ingestion path again; the thread objects accept the messages anew and Postgres'
  // unique key drops what is already stored.
  const result = await ingest({ ctx, channel, delivery: { source: "replay", events, body: event.body, headers: event.headers, note: `replay of event ${event.id}` } });
  return { resubmitted: result.accepted.length, statuses: result.statuses };
}
