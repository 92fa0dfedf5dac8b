import { ensureDefaultFlow } from "../flows/runtime";
import { eq } from "drizzle-orm";
import { consumeRateLimit } from "../../../durable-objects/rate-limiter/client";
import type { Tx } from "../../db/client";
import { tenantMembers, tenants, users } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { hashPassword, passwordProblem } from "../../lib/password";
import { emitEvent, recordAudit } from "../audit";
import type { ServiceContext } from "../context";
import { authResult, openSession, type AuthResult } from "./sessions";

export interface SignupInput {
  email: string;
  password: string;
  organization: string;
  name?: string;
  kind?: "api" | "web";
}

/** Creates a user, their organization (tenant) and owner membership, and signs them in: one transaction. */
export async function signup({ ctx, input }: { ctx: ServiceContext; input: SignupInput }): Promise<AuthResult> {
  const email = input.email.trim().toLowerCase();
  const weak = passwordProblem(input.password, email);
  if (weak) throw new AppError("VALIDATION_FAILED", weak, { field: "password" });
  await consumeRateLimit(ctx.env, `signup:ip:${ctx.ip ?? "unknown"}`, ctx.config.RATE_LIMIT_SIGNUP_PER_IP, 3600);
  // Per email too: stops probing which addresses have accounts (409) from many IPs.
  await consumeRateLimit(ctx.env, `signup:email:${email}`, ctx.config.RATE_LIMIT_SIGNUP_PER_EMAIL, 3600);

  const passwordHash = await hashPassword(input.password);
  const tenantId = crypto.randomUUID();
  const userId = crypto.randomUUID();
  const organization = input.organization.trim();

  return ctx.db.scoped({ tenantId, userId, loginEmail: email }, async (tx) => {
    const created = await tx
      .insert(users)
      .values({ id: userId, email, name: input.name?.trim() || null, passwordHash })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (created.length === 0) throw new AppError("EMAIL_TAKEN", "An account with this email already exists", { field: "email" });

    const slug = await claimSlug(tx, tenantId, organization);
    await tx.insert(tenantMembers).values({ tenantId, userId, role: "owner" });
    // A new workspace answers from its first message: the default flow, published, editable like any other.
    await ensureDefaultFlow(tx, tenantId);
    const session = await openSession(tx, ctx, { tenantId, userId, kind: input.kind ?? "api" });
    const actor = { tenantId, actorType: "user", actorId: userId } as const;
    await recordAudit(tx, ctx, { ...actor, action: "tenant.created", entityType: "tenant", entityId: tenantId, data: { slug } });
    await recordAudit(tx, ctx, { ...actor, action: "member.added", entityType: "user", entityId: userId, data: { role: "owner" } });
    await emitEvent(tx, { tenantId, type: "tenant.created", aggregateType: "tenant", aggregateId: tenantId, payload: { slug, owner_id: userId } });

    return authResult(ctx, {
      user: { id: userId, email, name: input.name?.trim() || null },
      tenant: { id: tenantId, slug, name: organization, status: "active" },
      role: "owner",
      ...session,
    });
  });
}

export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    // Letters that have no decomposition into base + accent.
    .replace(/[łøđßæœþ]/g, (ch) => ({ ł: "l", ø: "o", đ: "d", ß: "ss", æ: "ae", œ: "oe", þ: "th" })[ch] ?? ch)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "workspace";
}

/**
 * Slugs are globally unique, yet other tenants' rows are invisible under RLS: let the unique index
 * arbitrate (ON CONFLICT DO NOTHING) and fall back to a random suffix.
 */
async function claimSlug(tx: Tx, tenantId: string, organization: string): Promise<string> {
  const base = slugify(organization);
  for (let attempt = 0; attempt < 5; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${crypto.randomUUID().slice(0, 6)}`;
    const rows = await tx
      .insert(tenants)
      .values({ id: tenantId, slug, name: organization })
      .onConflictDoNothing({ target: tenants.slug })
      .returning({ id: tenants.id });
    if (rows.length > 0) return slug;
  }
  // Five collisions in a row means something other than chance; don't loop forever.
  const [exists] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
  throw new AppError(exists ? "CONFLICT" : "INTERNAL", "Could not allocate a workspace address", { field: "organization" });
}

