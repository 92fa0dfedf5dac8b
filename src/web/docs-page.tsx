import type { FC } from "hono/jsx";
import { fingerprint } from "./assets/serve";

type Doc = { info: { title: string; version: string }; paths?: Record<string, Record<string, { summary?: string; tags?: string[]; security?: unknown[]; requestBody?: unknown; responses?: Record<string, { description?: string }> }>> };

/**
 * The plain reference at /docs/plain, built on the server from the same OpenAPI document as
 * /openapi.json: for readers without script (the interactive one at /docs needs it), screen readers and
 * text browsers; works with the keyboard (native <details> disclosure).
 */
const DocsPage: FC<{ doc: Doc }> = ({ doc }) => {
  const ops = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  const tags = [...new Set(ops.map((o) => o.op.tags?.[0] ?? "other"))];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{doc.info.title} reference</title>
        <style>{`body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f6fa;padding:.75rem;overflow:auto;border-radius:6px}
summary{cursor:pointer;padding:.35rem 0}summary:focus-visible{outline:2px solid #2958d8}
.m{display:inline-block;min-width:4.5rem;font-weight:700}.lock{color:#8a5a00}`}</style>
      </head>
      <body>
        <header>
          <h1>{doc.info.title} <small>v{doc.info.version}</small></h1>
          <p>
            <a href="/docs">Interactive reference</a> (needs JavaScript). Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Authenticate with <code>Authorization: Bearer &lt;token or API key&gt;</code>.
            Errors always look like <code>{'{"error":{"code","message","request_id"}}'}</code>.
          </p>
        </header>
        <main>
          {tags.map((tag) => (
            <section aria-labelledby={`tag-${tag}`}>
              <h2 id={`tag-${tag.replace(/\s/g, "-")}`}>{tag}</h2>
              {ops
                .filter((o) => (o.op.tags?.[0] ?? "other") === tag)
                .map(({ path, method, op }) => (
                  <details>
                    <summary>
                      <span class="m">{method}</span> <code>{path}</code> — {op.summary}
                      {op.security && op.security.length > 0 && Object.keys(op.security[0] as object).length > 0 ? <span class="lock"> (auth)</span> : null}
                    </summary>
                    {op.requestBody ? (<><h3>Request body</h3><pre>{JSON.stringify(op.requestBody, null, 2)}</pre></>) : null}
                    <h3>Responses</h3>
                    <ul>{Object.entries(op.responses ?? {}).map(([status, r]) => (<li><code>{status}</code> {r.description}</li>))}</ul>
                  </details>
                ))}
            </section>
          ))}
        </main>
      </body>
    </html>
  );
};

export function renderPlainDocsPage(doc: unknown) {
  return "<!doctype html>" + (<DocsPage doc={doc as Doc} />).toString();
}

/** Scalar's options for this server: no fonts, telemetry, AI agent or proxy from elsewhere (the CSP and offline use forbid them). */
const REFERENCE_CONFIG = {
  url: "/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  documentDownloadType: "json",
  persistAuth: false,
  hideDarkModeToggle: false,
  defaultOpenAllTags: false,
  authentication: { preferredSecurityScheme: "bearer" },
  defaultHttpClient: { targetKey: "shell", clientKey: "curl" },
};

/**
 * Mounts the interactive reference, served as /docs/reference.js (the CSP allows same-origin script only,
 * nothing inline). Scalar's bundle, loaded just before it, defines `window.Scalar`.
 */
export const DOCS_JS = `(function () {
  "use strict";
  if (!window.Scalar) return; // the bundle did not load: the page keeps its links to the plain reference
  // Mount into an empty element (content there would be taken for server-rendered markup to hydrate).
  var loading = document.getElementById("docs-loading");
  if (loading) loading.remove();
  // Zod inside the bundle probes Function("") once and falls back when the CSP refuses it (the console notes it).
  window.Scalar.createApiReference("#app", ${JSON.stringify(REFERENCE_CONFIG)});
})();
`;

const SCALAR_BUNDLE = "/assets/vendor/scalar/standalone.js";

/** /docs: the interactive reference (Scalar) over /openapi.json, with links that work without script. */
const InteractiveDocsPage: FC = () => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>Parley API reference</title>
      <style>{`body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1d2330}.fallback{max-width:60rem;margin:2rem auto;padding:0 1rem}`}</style>
    </head>
    <body>
      <main class="fallback" id="docs-loading">
        <h1>Parley API reference</h1>
        <p>
          Loading the interactive reference… If it does not appear, read the <a href="/docs/plain">plain reference</a> or
          the <a href="/openapi.json">OpenAPI document</a>.
        </p>
      </main>
      <div id="app" />
      <noscript>
        <p class="fallback">
          The interactive reference needs JavaScript. Read the <a href="/docs/plain">plain reference</a> or the{" "}
          <a href="/openapi.json">OpenAPI document</a> (OpenAPI 3.1) instead.
        </p>
      </noscript>
      <script src={SCALAR_BUNDLE} />
      <script src={`/docs/reference.js?v=${fingerprint(DOCS_JS)}`} />
    </body>
  </html>
);

export function renderInteractiveDocsPage() {
  return "<!doctype html>" + (<InteractiveDocsPage />).toString();
}
