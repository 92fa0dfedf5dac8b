import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { AppError } from "../../lib/errors";
import { serveScript } from "../../web/assets/serve";
import { WIDGET_JS } from "../../web/assets/widget-script";
import type { AppEnv } from "../hono-env";
import { widgetChannel, type WidgetEnv } from "./channel";
import { getHistory } from "./history";
import { openLive } from "./live";
import { postMessage } from "./messages";
import { createSession } from "./session";

/**
 * The public web chat edge: the widget script and the API it calls from other sites, under `/widget`
 * (not `/hooks`, which is for providers' signed webhooks). Authentication is the visitor token; the
 * channel's allowed origins gate which sites may use it. Nothing here reads the web session cookie.
 */
export const widgetRoutes = new Hono<WidgetEnv>();

widgetRoutes.get("/widget.js", (c) => serveScript(c, WIDGET_JS, "short"));

const PREFIX = "/widget/:tenantId/:channelId";
widgetRoutes.use(`${PREFIX}/*`, widgetChannel);
widgetRoutes.post(
  `${PREFIX}/messages`,
  bodyLimit({ maxSize: 16 * 1024, onError: () => { throw new AppError("PAYLOAD_TOO_LARGE", "Message body too large"); } }),
  postMessage,
);
widgetRoutes.post(`${PREFIX}/session`, createSession);
widgetRoutes.get(`${PREFIX}/history`, getHistory);
widgetRoutes.get(`${PREFIX}/live`, openLive);

/**
 * The app's secure headers say `Cross-Origin-Resource-Policy: same-origin`, which would stop other
 * sites from loading /widget.js at all. Registered before secureHeaders, so this runs after it on the
 * way out and has the last word, for /widget paths only.
 */
export const widgetCrossOrigin = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if ((c.req.path === "/widget.js" || c.req.path.startsWith("/widget/")) && c.res.status !== 101) c.res.headers.set("Cross-Origin-Resource-Policy", "cross-origin");
});
