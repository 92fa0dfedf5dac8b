import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { publicSecurity } from "./errors";
import type { AppEnv } from "./hono-env";

const Health = z.object({ status: z.enum(["ok", "degraded"]), db: z.enum(["ok", "error"]) }).openapi("Health");

export const route = createRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  security: publicSecurity,
  tags: ["ops"],
  summary: "Liveness and database reachability",
  responses: {
    200: { description: "Serving", content: { "application/json": { schema: Health } } },
    503: { description: "Database unreachable", content: { "application/json": { schema: Health } } },
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const ctx = c.get("ctx");
  try {
    await ctx.db.ping();
    return c.json({ status: "ok" as const, db: "ok" as const }, 200);
  } catch (err) {
    ctx.log.error("health: database unreachable", { error: err instanceof Error ? err.message : String(err) });
    return c.json({ status: "degraded" as const, db: "error" as const }, 503);
  }
};
