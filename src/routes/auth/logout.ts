import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { AppError, unauthorized } from "../../lib/errors";
import { verifyAccessToken } from "../../lib/jwt";
import { logout } from "../../services/auth/logout";
import { errorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

const LogoutBody = z.object({ refresh_token: z.string().min(1).max(200).optional() }).openapi("LogoutRequest");

export const route = createRoute({
  method: "post",
  path: "/v1/auth/logout",
  operationId: "logOut",
  tags: ["auth"],
  summary: "End the session of the bearer access token, or of the refresh token in the body",
  security: [{ bearer: [] }, {}],
  request: {
    body: { required: false, content: { "application/json": { schema: LogoutBody } } },
  },
  responses: { 204: { description: "Signed out (also when already signed out)" }, ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "UNAVAILABLE") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const ctx = c.get("ctx");
  const header = c.req.header("authorization");
  if (header) {
    const token = /^Bearer ([^\s]+)$/.exec(header)?.[1];
    const claims = token ? await verifyAccessToken(ctx.config, token) : undefined;
    if (!claims) throw unauthorized("Invalid or expired access token");
    ctx.tenantId = claims.tid;
    ctx.actor = { type: "user", userId: claims.sub, sessionId: claims.sid };
  }
  // The body is optional (a bearer token alone is enough), so it is parsed here rather than by the
  // route validator, which would demand one.
  const raw = c.req.header("content-type")?.includes("application/json") ? await c.req.json().catch(() => null) : {};
  const body = LogoutBody.safeParse(raw ?? {});
  if (!body.success) throw new AppError("VALIDATION_FAILED", "refresh_token must be a string", { field: "refresh_token" });
  await logout({ ctx, input: body.data });
  return c.body(null, 204);
};
