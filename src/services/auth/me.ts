import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import { CURRENT_USER, readTenant } from "../access-read";
import type { ServiceContext } from "../context";

/**
 * Who is calling, in one round trip: the credential check and the user's row in one batch. The user is
 * the one the check confirmed (it sets `app.user_id`), so a web session, which learns its user only
 * there, reads the same way as a bearer token.
 */
export async function getMe({ ctx }: { ctx: ServiceContext }) {
  const {
    principal,
    results: [rows],
  } = await readTenant(ctx, null, (db) => [
    db.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, CURRENT_USER)),
  ] as const);
  const tenant = principal.tenant;
  if (principal.type === "system") return { user: null, tenant, role: null };
  if (principal.type === "apiKey") return { user: null, api_key: { id: principal.apiKeyId, scopes: principal.scopes }, tenant, role: null };
  const user = rows.find((u) => u.id === principal.userId);
  return { user: user ?? null, tenant, role: principal.role };
}
