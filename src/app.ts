import { isDatabaseUnavailable } from "./db/failures";
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
import { DOCS_JS, renderInteractiveDocsPage, renderPlainDocsPage } from "./web/docs-page";
import { serveScript } from "./web/assets/serve";
import { buildDocument } from "./openapi";
import { webApp } from "./web/app";
import type { AppEnv } from "./routes/hono-env";
import { PUBLIC_API_PATHS, registerRoutes } from "./routes";
import { KNOWLEDGE_UPLOAD_PATH, knowledgeUploadLimit } from "./routes/knowledge/upload-limit";

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
  const apiBodyLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new AppError("PAYLOAD_TOO_LARGE", `Request body must be at most ${MAX_BODY_BYTES} bytes`); } });
  // Knowledge uploads (files and pasted documents) have their own, larger cap.
  app.use("/v1/*", (c, next) => (c.req.path === KNOWLEDGE_UPLOAD_PATH ? knowledgeUploadLimit(c, next) : apiBodyLimit(c, next)));
  // The live socket authenticates itself (browsers cannot send headers on a WebSocket).
  app.route("/", liveRoutes);
  // Text Postgres cannot store (NUL, lone surrogates) is a 400 naming the field, on every route at once.
  app.use("/v1/*", storableInput);
  app.use("/v1/*", async (c, next) => (PUBLIC_API_PATHS.has(c.req.path) ? next() : authenticate(c, next)));

  registerRoutes(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description:
      "`Authorization: Bearer <credential>`: an access token from logIn, signUp or refreshSession (acts as that member, with their role), or an API key (`pk_...`, from createApiKey; limited to its scopes).",
  });
  // Built once per isolate; only `servers` follows the request's origin (a copy, so no Host header grows a cache).
  let built: ReturnType<typeof buildDocument> | undefined;
  const documentFor = (url: string) => {
    built ??= buildDocument(app, "http://localhost");
    return { ...built, servers: [{ url: new URL(url).origin, description: "This server" }] };
  };
  app.get("/openapi.json", (c) => c.json(documentFor(c.req.url)));
  // Liveness without dependencies: the runtime's own floor in benchmarks, and for load balancers.
  app.get("/ping", (c) => c.text("pong"));
  app.get("/docs", (c) => c.html(renderInteractiveDocsPage()));
  app.get("/docs/reference.js", (c) => serveScript(c, DOCS_JS, "immutable"));
  app.get("/docs/plain", (c) => c.html(renderPlainDocsPage(documentFor(c.req.url))));
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
    if (isDatabaseUnavailable(err)) {
      // Postgres unreachable: nothing was stored, and the caller (a provider's webhook retry, a client)
      // should try again shortly rather than read it as a bug.
      c.get("ctx")?.log.warn("database unavailable", { error: err instanceof Error ? err.name : "error" });
      c.header("Retry-After", "5");
      return c.json(errorBody(new AppError("UNAVAILABLE", "The service is briefly unavailable; please retry"), requestId), 503);
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
