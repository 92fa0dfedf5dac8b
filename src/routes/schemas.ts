import { z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";

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
