import { storableInput } from "./middleware/storable-input";
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { AppError, type ErrorBody } from "./lib/errors";
import { authenticate } from "./middleware/authenticate";
import { requestContext } from "./middleware/request-context";
import { stripeRedirectOrigins } from "./services/billing/stripe";
import { liveRoutes } from "./routes/conversations/live";
import { inboundHooks } from "./routes/hooks/inbound";
import { widgetCrossOrigin, widgetRoutes } from "./routes/widget";
import { renderDocsPage } from "./web/docs-page";
import { webApp } from "./web/app";
import type { AppEnv } from "./routes/hono-env";
import { PUBLIC_API_PATHS, registerRoutes } from "./routes";

const MAX_BODY_BYTES = 256 * 1024;

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures become the contract's error body, naming the first offending field.
    defaultHook: (result) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      const first = issues[0];
      throw new AppError("VALIDATION_FAILED", first ? `${first.path || "body"}: ${first.message}` : "Invalid request", {
        field: first?.path || undefined,
        issues,
      });
    },
  });

  app.use("*", requestContext);
  app.use("*", widgetCrossOrigin); // before secureHeaders, so it may relax CORP for the embeddable widget
  app.use("*", secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], formAction: ["'self'", (c) => stripeRedirectOrigins(c.get("ctx")?.config)], frameAncestors: ["'none'"] } }));
  app.use(
    "/v1/*",
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new AppError("PAYLOAD_TOO_LARGE", `Request body must be at most ${MAX_BODY_BYTES} bytes`); } }),
  );
  // The live socket authenticates itself (browsers cannot send headers on a WebSocket).
  app.route("/", liveRoutes);
  // Text Postgres cannot store (NUL, lone surrogates) is a 400 naming the field, on every route at once.
  app.use("/v1/*", storableInput);
  app.use("/v1/*", async (c, next) => (PUBLIC_API_PATHS.has(c.req.path) ? next() : authenticate(c, next)));

  registerRoutes(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An access token from /v1/auth/login or /v1/auth/signup, or an API key (pk_...)",
  });
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: { title: "Parley API", version: "1.0.0", description: "Multi-tenant omnichannel conversations. Errors: `{error:{code,message,request_id}}`." },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
  // Liveness without dependencies: the runtime's own floor in benchmarks, and for load balancers.
  app.get("/ping", (c) => c.text("pong"));
  app.get("/docs", (c) => c.html(renderDocsPage(app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Parley API", version: "1.0.0" } }))));
  app.route("/", inboundHooks);
  app.route("/", widgetRoutes);
  app.route("/", webApp);

  app.notFound((c) => c.json(errorBody(new AppError("NOT_FOUND", "No such route"), c.get("ctx")?.requestId), 404));
  app.onError((err, c) => {
    const requestId = c.get("ctx")?.requestId ?? crypto.randomUUID();
    if (err instanceof AppError) {
      if (err.details?.retryAfter) c.header("Retry-After", String(err.details.retryAfter));
      return c.json(errorBody(err, requestId), err.status);
    }
    if (err instanceof HTTPException && err.status < 500) {
      // Hono's own 4xx (e.g. malformed JSON body): keep its message, use our body.
      const code = err.status === 401 ? "UNAUTHORIZED" : err.status === 413 ? "PAYLOAD_TOO_LARGE" : err.status === 415 ? "UNSUPPORTED_MEDIA_TYPE" : "BAD_REQUEST";
      return c.json(errorBody(new AppError(code, err.message || "Bad request"), requestId), err.status as 400);
    }
    // Unexpected: log the detail server-side, tell the client nothing about internals.
    c.get("ctx")?.log.error("unhandled error", { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), stack: err instanceof Error ? err.stack : undefined });
    return c.json(errorBody(new AppError("INTERNAL", "Something went wrong; quote the request id when reporting it"), requestId), 500);
  });
  return app;
}

function errorBody(err: AppError, requestId = "unknown"): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      request_id: requestId,
      ...(err.details?.field && { field: err.details.field }),
      ...(err.details?.issues && { issues: err.details.issues }),
      ...(err.details?.details && { details: err.details.details }),
    },
  };
}
