import type { FC } from "hono/jsx";

type Doc = { info: { title: string; version: string }; paths?: Record<string, Record<string, { summary?: string; tags?: string[]; security?: unknown[]; requestBody?: unknown; responses?: Record<string, { description?: string }> }>> };

/**
 * A server-rendered API reference built from the same OpenAPI document as /openapi.json: works offline,
 * without client-side script, and with the keyboard (native <details> disclosure).
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
            Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Authenticate with <code>Authorization: Bearer &lt;token or API key&gt;</code>.
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

export function renderDocsPage(doc: unknown) {
  return "<!doctype html>" + (<DocsPage doc={doc as Doc} />).toString();
}
