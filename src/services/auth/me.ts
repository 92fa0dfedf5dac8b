import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import { withTenant } from "../access";
import type { ServiceContext } from "../context";

export async function getMe({ ctx }: { ctx: ServiceContext }) {
  return withTenant(ctx, null, async (tx, principal) => {
    const tenant = principal.tenant;
    if (principal.type === "system") return { user: null, tenant, role: null };
    if (principal.type === "apiKey") {
      return { user: null, api_key: { id: principal.apiKeyId, scopes: principal.scopes }, tenant, role: null };
    }
    const [user] = await tx.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, principal.userId));
    return { user: user ?? null, tenant, role: principal.role };
  });
}
