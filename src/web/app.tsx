import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../lib/errors";
import type { AppEnv } from "../routes/hono-env";
import { logout } from "../services/auth/logout";
import { rotateCsrfToken, verifyCsrf } from "./csrf";
import { INBOX_JS } from "./assets/inbox-script";
import { serveScript } from "./assets/serve";
import { readForm } from "./forms";
import { renderInbox } from "./pages/inbox";
import { annotationSubmit, assigneeSubmit, registerQueuePages, replySubmit, stateSubmit } from "./pages/inbox-actions";
import { renderThread } from "./pages/inbox-thread";
import { renderBilling } from "./pages/billing";
import { checkoutSubmit, portalSubmit } from "./pages/billing-actions";
import { renderChannels } from "./pages/channels";
import { channelSubmit } from "./pages/channels-actions";
import { renderFlow, renderFlows } from "./pages/flows";
import { registerKnowledgePages } from "./pages/knowledge-actions";
import { registerSettingsPages } from "./pages/settings-actions";
import { registerReportsPages } from "./pages/reports";
import { flowCreateSubmit, flowDraftSubmit, flowFormLimit, flowPublishSubmit, flowSimulateSubmit } from "./pages/flows-actions";
import { inviteForm, inviteSubmit } from "./pages/invite";
import { loginForm, loginSubmit } from "./pages/login";
import { signupForm, signupSubmit } from "./pages/signup";
import { csrfFailedPage, forbiddenPage, statusPage } from "./pages/status";
import { renderWorkspace } from "./pages/workspace";
import { contactSubmit, memberSubmit } from "./pages/workspace-actions";
import { attachSession, clearSessionCookie, readSessionCookie, requireSession } from "./session";

/**
 * The server-rendered web app: plain HTML forms, no client script (the CSP forbids inline script).
 * Signed-in state is a web session token in an HttpOnly cookie; every POST passes a CSRF check.
 * Middleware here is registered per path on purpose: `app.route("/", webApp)` would otherwise run
 * it for the JSON API too.
 */
export const webApp = new Hono<AppEnv>();

// Forms are a few fields; refuse anything bigger before parsing it.
const formLimit = bodyLimit({ maxSize: 16 * 1024, onError: (c) => statusPage(c, 413, { title: "Too much data", message: "That form was larger than expected." }) });

// Browsers ask for an icon on every page; answer with one instead of the API's JSON 404.
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2447c4"/><path d="M11 24V8h6.5a5 5 0 0 1 0 10H11" fill="none" stroke="#fff" stroke-width="3"/></svg>`;
webApp.get("/favicon.svg", (c) => c.body(FAVICON, 200, { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" }));
webApp.get("/favicon.ico", (c) => c.redirect("/favicon.svg", 301));

// Only whether a cookie exists: /app verifies it and sends a stale one back to /login.
webApp.get("/", (c) => c.redirect(readSessionCookie(c) ? "/app" : "/login", 303));

webApp.get("/signup", signupForm);
webApp.post("/signup", formLimit, signupSubmit);
webApp.get("/login", loginForm);
webApp.post("/login", formLimit, loginSubmit);
webApp.get("/invite", inviteForm);
webApp.post("/invite", formLimit, inviteSubmit);

webApp.post("/logout", formLimit, async (c) => {
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/app");
  if (await attachSession(c)) {
    try {
      await logout({ ctx: c.get("ctx"), input: {} });
    } catch (err) {
      // Already revoked or gone: logging out still succeeds from the visitor's point of view.
      if (!(err instanceof AppError && err.code === "UNAUTHORIZED")) throw err;
    }
  }
  clearSessionCookie(c);
  rotateCsrfToken(c);
  return c.redirect("/login", 303);
});

webApp.get("/app", async (c) => (await requireSession(c)) ?? renderWorkspace(c));
webApp.post("/app/contacts", formLimit, contactSubmit);
webApp.post("/app/members", formLimit, memberSubmit);
webApp.get("/app/inbox", renderInbox);
webApp.get("/app/inbox/:id", (c) => renderThread(c));
webApp.post("/app/inbox/:id/reply", formLimit, replySubmit);
webApp.post("/app/inbox/:id/state", formLimit, stateSubmit);
webApp.post("/app/inbox/:id/assignee", formLimit, assigneeSubmit);
webApp.post("/app/inbox/:id/annotations", formLimit, annotationSubmit);
// The inbox's live updates: same-origin script (the CSP allows no inline script), versioned URL.
webApp.get("/assets/inbox.js", (c) => serveScript(c, INBOX_JS, "immutable"));
webApp.get("/app/billing", async (c) => (await requireSession(c)) ?? renderBilling(c));
webApp.post("/app/billing/checkout", formLimit, checkoutSubmit);
webApp.post("/app/billing/portal", formLimit, portalSubmit);
webApp.get("/app/channels", async (c) => (await requireSession(c)) ?? renderChannels(c, { type: c.req.query("type") }));
webApp.post("/app/channels", formLimit, channelSubmit);
// Flow ids are UUIDs; anything else is simply not a page here.
const FLOW_PATH = "/app/flows/:id{[0-9a-fA-F-]{36}}";
webApp.get("/app/flows", async (c) => (await requireSession(c)) ?? renderFlows(c));
webApp.post("/app/flows", formLimit, flowCreateSubmit);
webApp.get(FLOW_PATH, async (c) => (await requireSession(c)) ?? renderFlow(c, c.req.param("id"), { version: Number(c.req.query("version")) || undefined }));
webApp.post(`${FLOW_PATH}/draft`, flowFormLimit, flowDraftSubmit);
webApp.post(`${FLOW_PATH}/publish`, formLimit, flowPublishSubmit);
webApp.post(`${FLOW_PATH}/simulate`, formLimit, flowSimulateSubmit);
registerKnowledgePages(webApp, formLimit);
registerSettingsPages(webApp, formLimit);
registerReportsPages(webApp, formLimit);
registerQueuePages(webApp, formLimit); // availability, notes, send to team, /app/tickets

/** Errors become pages, never the API's JSON; a session the database rejects is logged out. */
webApp.onError((err, c) => {
  const ctx = c.get("ctx");
  if (err instanceof AppError) {
    switch (err.code) {
      case "UNAUTHORIZED":
        // Revoked, expired, or the member was removed: drop the cookie so the browser stops sending it.
        clearSessionCookie(c);
        return c.redirect("/login", 303);
      case "TENANT_SUSPENDED":
        clearSessionCookie(c);
        return statusPage(c, 403, { title: "Workspace suspended", message: err.message, back: { href: "/login", label: "Go to log in" } });
      case "FORBIDDEN":
        return forbiddenPage(c);
      case "NOT_FOUND":
        return statusPage(c, 404, { title: "Not found", message: err.message });
      case "RATE_LIMITED":
        if (err.details?.retryAfter) c.header("Retry-After", String(err.details.retryAfter));
        return statusPage(c, 429, { title: "Slow down", message: "Too many attempts. Please wait a few minutes and try again." });
    }
  }
  ctx?.log.error("web page failed", { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), stack: err instanceof Error ? err.stack : undefined });
  return statusPage(c, 500, {
    title: "Something went wrong",
    message: "We could not complete that. Please try again; if it keeps happening, quote the reference below.",
    requestId: ctx?.requestId,
  });
});
