import { findTeamRow } from "../routing/engine";
import { and, desc, eq, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { assertBillingAllows } from "../../../durable-objects/tenant-quota/client";
import { forgetChannel } from "../../channels/channel-cache";
import type { Tx } from "../../db/client";
import { channels, type ChannelType } from "../../db/schema";
import { randomToken } from "../../lib/crypto";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { AppError, notFound } from "../../lib/errors";
import { actorRef, withTenant, type Principal } from "../access";
import { emitEvent, recordAudit } from "../audit";
import { assertPlanAllows } from "../billing/limits";
import { assertFlowVisible } from "../flows/runtime";
import type { ServiceContext } from "../context";
import { credentialsAad, encryptCredentials } from "./credentials";
import { toChannel, type Channel, type ChannelCreateInput, type ChannelPatchInput, type ChannelWithSecret } from "./model";
import { parseConfig, parseCredentials, resolveTiming } from "./settings";

async function findLive(tx: Tx, id: string, lock = false) {
  const q = tx.select().from(channels).where(and(eq(channels.id, id), isNull(channels.deletedAt))).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("Channel");
  return row;
}

async function track(tx: Tx, ctx: ServiceContext, p: Principal, action: "created" | "updated" | "deleted", id: string, data: Record<string, unknown>) {
  // Field names only: credential values never reach the audit log or the outbox.
  await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: `channel.${action}`, entityType: "channel", entityId: id, data });
  await emitEvent(tx, { tenantId: p.tenant.id, type: `channel.${action}`, aggregateType: "channel", aggregateId: id, payload: { channel_id: id, ...data } });
}

/**
 * Validates credentials for the type and seals them to this row. An api channel without a signing
 * secret gets a generated one, handed back once so the customer can sign with it.
 */
async function sealCredentials(ctx: ServiceContext, tenantId: string, id: string, type: ChannelType, raw: unknown) {
  let credentials = parseCredentials(type, raw);
  let generated: string | undefined;
  // Signed deliveries need a secret: API channels always, email channels for raw mail from a relay.
  if ((type === "api" || type === "email") && !credentials?.signing_secret) {
    generated = randomToken(32);
    credentials = { ...credentials, signing_secret: generated };
  }
  if (!credentials) return { columns: { credentialsCiphertext: null, credentialsKeyId: null }, generated };
  const { ciphertext, keyId } = await encryptCredentials(ctx.config, credentialsAad(tenantId, id), credentials);
  return { columns: { credentialsCiphertext: ciphertext, credentialsKeyId: keyId }, generated };
}

/**
 * A support address routes mail to one channel only, in any workspace. The lookup answers only "taken
 * or not" (never by whom); the unique index settles two workspaces racing for one address.
 */
async function assertAddressFree(tx: Tx, address: string) {
  const taken = await tx.execute(sql`select 1 from parley_email_channel_for(${address})`);
  if (taken.rows.length > 0) throw new AppError("CONFLICT", "config.address: this address is already connected to a channel", { field: "config.address" });
}

const withSecret = (channel: Channel, secret?: string): ChannelWithSecret => (secret ? { ...channel, signing_secret: secret } : channel);

/**
 * Connects a channel. Validation runs before any key is needed, so bad input is a 400 even on a
 * server without CREDENTIALS_KEYS; a channel with credentials there is 503, never stored in plain text.
 */
export async function createChannel({ ctx, input }: { ctx: ServiceContext; input: ChannelCreateInput }): Promise<ChannelWithSecret> {
  const config = parseConfig(input.type, input.config);
  parseCredentials(input.type, input.credentials);
  const timing = resolveTiming(input);
  // An overdue workspace adds no channels (its quota object knows, outside any transaction, since the
  // object may itself read Postgres when it starts), and the plan caps how many it has.
  const workspace = await withTenant(ctx, "channels:write", async (_tx, p) => p.tenant.id);
  await assertBillingAllows(ctx.env, workspace);
  return withTenant(ctx, "channels:write", async (tx, p) => {
    const [live] = await tx.select({ n: sql<number>`count(*)::int` }).from(channels).where(isNull(channels.deletedAt));
    await assertPlanAllows(tx, p.tenant.id, "channels", live!.n);
    const id = crypto.randomUUID();
    if (input.type === "email") await assertAddressFree(tx, String(config.address));
    const sealed = await sealCredentials(ctx, p.tenant.id, id, input.type, input.credentials);
    const [row] = await tx
      .insert(channels)
      // created_at from the JS clock (millisecond precision): list cursors carry it through a Date,
      // and the column keeps microseconds, which a cursor would otherwise skip past.
      .values({ id, tenantId: p.tenant.id, type: input.type, name: input.name, config, ...timing, ...sealed.columns, createdAt: new Date() })
      .returning();
    await track(tx, ctx, p, "created", id, { type: input.type });
    return withSecret(toChannel(ctx.config, row!), sealed.generated);
  });
}

export async function getChannel({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Channel> {
  return withTenant(ctx, "channels:read", async (tx) => toChannel(ctx.config, await findLive(tx, input.id)));
}

export async function listChannels({ ctx, input }: { ctx: ServiceContext; input: { cursor?: string; limit: number; type?: ChannelType } }) {
  return withTenant(ctx, "channels:read", async (tx) => {
    const filters: SQL[] = [isNull(channels.deletedAt)];
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    if (after) filters.push(or(lt(channels.createdAt, after.at), and(eq(channels.createdAt, after.at), lt(channels.id, after.id)))!);
    if (input.type) filters.push(eq(channels.type, input.type));
    const rows = await tx
      .select()
      .from(channels)
      .where(and(...filters))
      .orderBy(desc(channels.createdAt), desc(channels.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return { data: page.map((r) => toChannel(ctx.config, r)), next_cursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  });
}

export async function updateChannel({ ctx, input }: { ctx: ServiceContext; input: { id: string; fields: ChannelPatchInput; expectedVersion?: number } }): Promise<ChannelWithSecret> {
  const updated = await withTenant(ctx, "channels:write", async (tx, p) => {
    const current = await findLive(tx, input.id, true);
    if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
      throw new AppError("VERSION_CONFLICT", `Channel is at version ${current.version}, not ${input.expectedVersion}`, { field: "version" });
    }
    const f = input.fields;
    const config = f.config !== undefined ? parseConfig(current.type, f.config) : undefined;
    if (current.type === "email" && config && config.address !== current.config.address) await assertAddressFree(tx, String(config.address));
    // Another workspace's flow is a 404, like any foreign id (the composite foreign key refuses it too).
    if (f.flow_id) await assertFlowVisible(tx, f.flow_id);
    if (f.default_team_id) await findTeamRow(tx, p.tenant.id, f.default_team_id, "default_team_id");
    const timing = resolveTiming(f, current);
    const sealed = f.credentials !== undefined ? await sealCredentials(ctx, p.tenant.id, current.id, current.type, f.credentials) : undefined;
    const [row] = await tx
      .update(channels)
      .set({
        ...(f.name !== undefined && { name: f.name }),
        ...(config && { config }),
        ...(f.status !== undefined && { status: f.status }),
        ...(f.flow_id !== undefined && { flowId: f.flow_id }),
        ...(f.default_team_id !== undefined && { defaultTeamId: f.default_team_id }),
        ...timing,
        ...sealed?.columns,
        updatedAt: sql`now()`,
        version: sql`${channels.version} + 1`,
      })
      .where(eq(channels.id, current.id))
      .returning();
    await track(tx, ctx, p, "updated", current.id, { fields: Object.keys(f), ...(f.status && { status: f.status }) });
    return withSecret(toChannel(ctx.config, row!), sealed?.generated);
  });
  // After commit: this isolate's webhook cache must not keep serving old secrets or a disabled channel.
  forgetChannel(ctx.tenantId!, input.id);
  return updated;
}

/** Soft delete. The stored credentials are destroyed with it: a deleted channel is never restored. */
export async function deleteChannel({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<void> {
  await withTenant(ctx, "channels:write", async (tx, p) => {
    await findLive(tx, input.id, true);
    await tx
      .update(channels)
      .set({ deletedAt: sql`now()`, credentialsCiphertext: null, credentialsKeyId: null, updatedAt: sql`now()`, version: sql`${channels.version} + 1` })
      .where(eq(channels.id, input.id));
    await track(tx, ctx, p, "deleted", input.id, {});
  });
  forgetChannel(ctx.tenantId!, input.id);
}
