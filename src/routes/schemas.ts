import { z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";
import { AppError } from "../lib/errors";

export const RoleSchema = z.enum(ROLES).openapi("Role");
export const IdParam = z.object({ id: z.string().uuid().openapi({ param: { name: "id", in: "path" } }) });

export const EmailSchema = z.string().trim().toLowerCase().email().max(254);

export const AuthResultSchema = z
  .object({
    user: z.object({ id: z.string().uuid(), email: z.string(), name: z.string().nullable() }),
    tenant: z.object({ id: z.string().uuid(), slug: z.string(), name: z.string() }),
    role: RoleSchema,
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    session_id: z.string().uuid(),
  })
  .openapi("AuthResult");

export const ListQuery = z.object({
  cursor: z.string().max(200).optional().openapi({ description: "next_cursor from the previous page" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * The version a PATCH expects (optimistic locking): `If-Match: "3"` (weak tags accepted) wins over a
 * `version` field in the body; neither means "last write wins".
 */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined, what: string): number | undefined {
  if (ifMatch === undefined) return bodyVersion;
  const parsed = Number(ifMatch.replace(/^W\//, "").replace(/"/g, ""));
  if (!Number.isInteger(parsed) || parsed < 1) throw new AppError("VALIDATION_FAILED", `If-Match must be a ${what} version`, { field: "if-match" });
  return parsed;
}
