import { createMiddleware } from "hono/factory";
import { Database } from "../db/client";
import { loadConfig } from "../env";
import { createLogger } from "../lib/log";
import type { AppEnv } from "../routes/hono-env";

/** Builds the one service context of a request and closes its database connection afterwards. */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const config = loadConfig(c.env);
  const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
  const db = new Database(config);
  c.set("ctx", {
    requestId,
    config,
    env: c.env,
    db,
    log: createLogger({ request_id: requestId, path: c.req.path }, config.ENVIRONMENT === "test"),
    actor: { type: "anonymous" },
    // Cloudflare sets CF-Connecting-IP at the edge (a client-sent value is overwritten).
    ip: c.req.header("cf-connecting-ip") ?? undefined,
    userAgent: c.req.header("user-agent") ?? undefined,
  });
  c.header("X-Request-Id", requestId);
  try {
    await next();
  } finally {
    const closing = db.close();
    try {
      c.executionCtx.waitUntil(closing);
    } catch {
      await closing; // no execution context (e.g. app.request in a unit test)
    }
  }
});
