import { eq, sql } from "drizzle-orm";
import { tenants } from "../../db/schema";
import { actorRef, withTenant } from "../access";
import { recordAudit } from "../audit";
import { flowSigningSecret } from "../bot/http-port";
import type { ServiceContext } from "../context";

/**
 * Rotates the workspace's flow request signing secret and answers the new one — the only time it is
 * shown: flows' `http` steps sign every request with it (`X-Parley-Signature: t=<unix>,v1=<hex
 * HMAC-SHA256 of "<t>.<body>">`), and the receiver needs it to check them. Nothing secret is stored:
 * it is derived from FLOW_SIGNING_KEY, the workspace and the new generation. The old secret stops at once.
 *
 * @example
 *   const { secret } = await rotateFlowSigningSecret({ ctx });
 */
export async function rotateFlowSigningSecret({ ctx }: { ctx: ServiceContext }) {
  return withTenant(ctx, "flows:write", async (tx, p) => {
    const [row] = await tx
      .update(tenants)
      .set({ flowSigningGeneration: sql`${tenants.flowSigningGeneration} + 1`, updatedAt: sql`now()` })
      .where(eq(tenants.id, p.tenant.id))
      .returning({ generation: tenants.flowSigningGeneration });
    const generation = row!.generation;
    await recordAudit(tx, ctx, { tenantId: p.tenant.id, ...actorRef(p), action: "flow_signing_secret.rotated", entityType: "tenant", entityId: p.tenant.id, data: { generation } });
    return {
      secret: await flowSigningSecret(ctx.config, p.tenant.id, generation),
      generation,
      header: "X-Parley-Signature" as const,
      format: "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" with the secret>",
    };
  });
}
