import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { questionTerms } from "../../knowledge/answer";
import { SEARCH_MODES, type SearchMode } from "../../knowledge/search";
import { fold } from "../../knowledge/text";
import { unauthorized } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { getMe } from "../../services/auth/me";
import { documentChunks, getDocument, listDocuments } from "../../services/knowledge/documents";
import type { KnowledgeDocument, SearchResults } from "../../services/knowledge/model";
import { searchKnowledge } from "../../services/knowledge/query";
import { getKnowledgeAnalytics, type KnowledgeAnalytics } from "../../services/knowledge/analytics";
import { roleAllows } from "../../services/permissions";
import { ensureCsrfToken } from "../csrf";
import { CsrfField, type FormState } from "../forms";
import { Layout, render } from "../layout";
import { AppNav } from "./app-nav";

type C = Context<AppEnv>;

export const KNOWLEDGE_CSS = `
.kb-forms{display:grid;gap:1.5rem;grid-template-columns:repeat(auto-fit,minmax(19rem,1fr))}
.kb-forms form{display:flex;flex-direction:column;gap:.6rem}
.kb-forms label{font-weight:600}
.kb-forms input,.kb-forms select{font:inherit;padding:.45rem .6rem;border:1.5px solid #8792a6;border-radius:8px}
.kb-results{list-style:none;padding:0;margin:1rem 0 0;display:flex;flex-direction:column;gap:.75rem}
.kb-results li{border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem}
.kb-results .where{color:var(--muted);font-size:.9rem;margin:.1rem 0 .35rem}
mark{background:#fff1a8;color:inherit;padding:0 .1rem;border-radius:3px}
.pill.status-failed{background:var(--danger-bg);color:var(--danger)}
.pill.status-processing{background:#fff4e5;color:#8a4b00}
.pill.status-ready{background:var(--ok-bg);color:var(--ok)}
.kb-search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}
.kb-search input[type=search]{flex:1 1 18rem;font:inherit;padding:.5rem .7rem;border:1.5px solid #8792a6;border-radius:8px}
.kb-actions{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:1rem}
.kb-chunk{border-top:1px solid var(--line);padding:.6rem 0}
.kb-chunk pre{white-space:pre-wrap;font:inherit;margin:.3rem 0 0}
.kb-stats{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));margin-bottom:1rem}
.kb-stat{border:1px solid var(--line);border-radius:10px;padding:.7rem .9rem}
.kb-stat b{display:block;font-size:1.45rem;line-height:1.2}
.kb-stat span{color:var(--muted);font-size:.9rem}
.kb-lists{display:grid;gap:1.25rem;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr))}
.kb-lists h3{margin:.2rem 0 .4rem;font-size:1rem}
.kb-lists ol{margin:0;padding-left:1.3rem}.kb-lists li{margin:.2rem 0}
.kb-lists .n{color:var(--muted);font-size:.9rem;white-space:nowrap}
`;

/**
 * The query's words marked in a snippet (accent- and case-insensitively, by their first five
 * letters, as the answer's coverage counts them); the rest is text, escaped by JSX.
 */
export function highlight(text: string, query: string): Child[] {
  const terms = questionTerms(query).map((t) => t.slice(0, 5));
  if (terms.length === 0) return [text];
  const out: Child[] = [];
  let last = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)) {
    const word = fold(m[0]);
    if (word.length > 2 && terms.some((t) => word.startsWith(t) || (word.length >= 4 && t.startsWith(word)))) {
      if (m.index! > last) out.push(text.slice(last, m.index));
      out.push(<mark>{m[0]}</mark>);
      last = m.index! + m[0].length;
    }
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") : "never");

const StatusPill = ({ doc }: { doc: KnowledgeDocument }) => (
  <>
    <span class={`pill status-${doc.status}`}>{doc.status}</span>
    {!doc.is_active ? <> <span class="pill invited">inactive</span></> : null}
    {doc.failure_reason ? <p class="hint">{doc.failure_reason}</p> : null}
  </>
);

const DocumentsTable = ({ docs }: { docs: KnowledgeDocument[] }) =>
  docs.length === 0 ? (
    <p class="empty">No documents yet. Paste one, upload a file or write an article below.</p>
  ) : (
    <div class="table-wrap" role="region" aria-labelledby="docs-title" tabindex={0}>
      <table>
        <caption class="visually-hidden">Documents and articles, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Title</th><th scope="col">Status</th><th scope="col">Chunks</th><th scope="col">Language</th>
            <th scope="col">Visibility</th><th scope="col">Last queried</th><th scope="col">Queries</th>
          </tr>
        </thead>
        <tbody>
          {docs.map((d) => (
            <tr>
              <th scope="row">
                <a href={`/app/knowledge/${d.id}`}>{d.title}</a>
                <div class="hint">{d.kind === "article" ? "KB article" : (d.original_filename ?? d.format)}{d.category ? ` · ${d.category}` : ""}</div>
              </th>
              <td><StatusPill doc={d} /></td>
              <td>{d.chunk_count}</td>
              <td>{d.language ?? "—"}</td>
              <td>{d.visibility}</td>
              <td>{when(d.last_queried_at)}</td>
              <td>{d.query_count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

const SearchBox = ({ q, mode }: { q: string; mode: SearchMode }) => (
  <form class="kb-search" method="get" action="/app/knowledge" role="search">
    <div style="flex:1 1 18rem">
      <label for="kb-q">Search your knowledge</label>
      <input id="kb-q" type="search" name="q" value={q} maxlength={1000} placeholder="e.g. how long do refunds take" style="width:100%" />
    </div>
    <div>
      <label for="kb-mode">Mode</label>
      <select id="kb-mode" name="mode">
        {SEARCH_MODES.map((m) => <option value={m} selected={m === mode}>{m}</option>)}
      </select>
    </div>
    <button type="submit">Search</button>
  </form>
);

const Results = ({ results, q }: { results: SearchResults["results"]; q: string }) =>
  results.length === 0 ? (
    <p class="empty" role="status">No passage matches “{q}”.</p>
  ) : (
    <ol class="kb-results" aria-label="Ranked passages">
      {results.map((r) => (
        <li>
          <strong><a href={`/app/knowledge/${r.document_id}#chunk-${r.chunk_id}`}>{r.title}</a></strong>
          <p class="where">{r.heading ?? "—"} · score {r.score.toFixed(4)}</p>
          <p>{highlight(r.snippet, q)}</p>
        </li>
      ))}
    </ol>
  );

const AddForms = ({ csrf }: { csrf: string }) => (
  <div class="kb-forms">
    <form method="post" action="/app/knowledge" aria-labelledby="paste-title">
      <h3 id="paste-title">Paste text or Markdown</h3>
      <CsrfField token={csrf} />
      <input type="hidden" name="kind" value="document" />
      <label for="paste-title-f">Title</label>
      <input id="paste-title-f" name="title" required maxlength={300} />
      <label for="paste-format">Format</label>
      <select id="paste-format" name="format"><option value="markdown">Markdown</option><option value="text">Plain text</option><option value="html">HTML</option></select>
      <label for="paste-content">Content</label>
      <textarea id="paste-content" name="content" rows={8} required />
      <label for="paste-category">Category <span class="optional">(optional)</span></label>
      <input id="paste-category" name="category" maxlength={100} />
      <button type="submit">Add document</button>
    </form>
    <form method="post" action="/app/knowledge/upload" enctype="multipart/form-data" aria-labelledby="upload-title">
      <h3 id="upload-title">Upload a file</h3>
      <p class="hint">PDF, Markdown, HTML or text; 10 MB at most.</p>
      <CsrfField token={csrf} />
      <label for="upload-file">File</label>
      <input id="upload-file" type="file" name="file" required accept=".pdf,.md,.markdown,.html,.htm,.txt,application/pdf,text/markdown,text/html,text/plain" />
      <label for="upload-title-f">Title <span class="optional">(optional, the file name otherwise)</span></label>
      <input id="upload-title-f" name="title" maxlength={300} />
      <label for="upload-visibility">Visibility</label>
      <select id="upload-visibility" name="visibility"><option value="public">public (bot and agents)</option><option value="internal">internal (agents only)</option></select>
      <button type="submit">Upload</button>
    </form>
    <form method="post" action="/app/knowledge" aria-labelledby="article-title">
      <h3 id="article-title">Write a KB article</h3>
      <CsrfField token={csrf} />
      <input type="hidden" name="kind" value="article" />
      <input type="hidden" name="format" value="markdown" />
      <label for="article-title-f">Title</label>
      <input id="article-title-f" name="title" required maxlength={300} />
      <label for="article-category">Category</label>
      <input id="article-category" name="category" maxlength={100} />
      <label for="article-visibility">Visibility</label>
      <select id="article-visibility" name="visibility"><option value="public">public (bot and agents)</option><option value="internal">internal (agents only)</option></select>
      <label for="article-keywords">Intent keywords <span class="optional">(comma separated: how customers ask for it)</span></label>
      <input id="article-keywords" name="intent_keywords" maxlength={2000} />
      <label for="article-content">Article (Markdown)</label>
      <textarea id="article-content" name="content" rows={8} required />
      <button type="submit">Publish article</button>
    </form>
  </div>
);

const Stat = ({ value, label }: { value: string | number; label: string }) => (
  <div class="kb-stat"><b>{value}</b><span>{label}</span></div>
);

const QueryList = ({ title, items, empty }: { title: string; items: KnowledgeAnalytics["top_queries"]; empty: string }) => (
  <div>
    <h3>{title}</h3>
    {items.length === 0 ? <p class="empty">{empty}</p> : (
      <ol>{items.map((i) => <li>{i.query} <span class="n">× {i.count}</span></li>)}</ol>
    )}
  </div>
);

/** The last 30 days of queries: volume, answer rate, latency, and what to write next. */
const Analytics = ({ a }: { a: KnowledgeAnalytics }) => (
  <section class="card" aria-labelledby="analytics-title">
    <h2 id="analytics-title">Questions in the last 30 days</h2>
    <div class="kb-stats">
      <Stat value={a.queries} label="searches and answers" />
      <Stat value={a.answer_rate_pct === null ? "—" : `${a.answer_rate_pct}%`} label={`answered (${a.answered} of ${a.answers})`} />
      <Stat value={a.no_results} label="found no passage" />
      <Stat value={a.latency_ms.p95 === null ? "—" : `${a.latency_ms.p95} ms`} label="p95 latency" />
    </div>
    <div class="kb-lists">
      <QueryList title="Unanswered: what to write next" items={a.unanswered} empty="Every question asked for an answer got one." />
      <QueryList title="Asked most" items={a.top_queries} empty="No questions yet." />
      <div>
        <h3>Cited most</h3>
        {a.top_documents.length === 0 ? <p class="empty">No document cited yet.</p> : (
          <ol>{a.top_documents.map((d) => <li><a href={`/app/knowledge/${d.document_id}`}>{d.title}</a> <span class="n">× {d.queries}</span></li>)}</ol>
        )}
      </div>
    </div>
  </section>
);

async function pageHead(c: C) {
  const ctx = c.get("ctx");
  const me = await getMe({ ctx });
  if (!me.user || !me.role) throw unauthorized();
  return { ctx, me, csrf: ensureCsrfToken(c), canWrite: roleAllows(me.role, "knowledge:write") };
}

/** GET /app/knowledge: the documents with their status, the search box and its ranked passages, and the add forms. */
export async function renderKnowledge(c: C, opts: { form?: FormState; notice?: string } = {}, status: ContentfulStatusCode = 200) {
  const { ctx, me, csrf, canWrite } = await pageHead(c);
  const page = await listDocuments({ ctx, input: { limit: 200 } });
  const q = (c.req.query("q") ?? "").trim().slice(0, 1000);
  const mode = (SEARCH_MODES as readonly string[]).includes(c.req.query("mode") ?? "") ? (c.req.query("mode") as SearchMode) : "hybrid";
  const results = q ? await searchKnowledge({ ctx, input: { query: q, mode, limit: 10 }, origin: { source: "page" } }) : undefined;
  const analytics = roleAllows(me.role!, "reports:read") ? await getKnowledgeAnalytics({ ctx, input: {} }) : undefined;
  const error = opts.form?.errors?._form;
  return render(
    c,
    <Layout title={`Knowledge · ${me.tenant.name}`} hasErrors={!!error} signedIn={{ email: me.user!.email, csrf }}>
      <style dangerouslySetInnerHTML={{ __html: KNOWLEDGE_CSS }} />
      <AppNav current="knowledge" role={me.role!} />
      <div class="ws-head">
        <div>
          <h1>Knowledge</h1>
          <p class="lead">What the bot and your agents answer from. Every answer cites the passage it used.</p>
        </div>
      </div>
      {opts.notice ? <div class="notice" role="status"><p>{opts.notice}</p></div> : null}
      {error ? <div class="error-summary" role="alert"><p>{error}</p></div> : null}
      <section class="card" aria-labelledby="search-title">
        <h2 id="search-title">Search</h2>
        <SearchBox q={q} mode={mode} />
        {results ? <Results results={results.results} q={q} /> : null}
      </section>
      <section class="card" aria-labelledby="docs-title">
        <h2 id="docs-title">Documents</h2>
        <DocumentsTable docs={page.data} />
      </section>
      {analytics ? <Analytics a={analytics} /> : null}
      {canWrite ? (
        <section class="card" aria-labelledby="add-title">
          <h2 id="add-title">Add knowledge</h2>
          <AddForms csrf={csrf} />
        </section>
      ) : null}
    </Layout>,
    status,
  );
}

/** GET /app/knowledge/:id: one document, its chunks, and (for writers) edit, deactivate and delete. */
export async function renderKnowledgeDocument(c: C, id: string, opts: { error?: string } = {}, status: ContentfulStatusCode = 200) {
  const { ctx, me, csrf, canWrite } = await pageHead(c);
  const doc = await getDocument({ ctx, input: { id } });
  const chunks = await documentChunks({ ctx, input: { id } });
  const editable = doc.format !== "pdf";
  return render(
    c,
    <Layout title={`${doc.title} · Knowledge`} hasErrors={!!opts.error} signedIn={{ email: me.user!.email, csrf }}>
      <style dangerouslySetInnerHTML={{ __html: KNOWLEDGE_CSS }} />
      <AppNav current="knowledge" role={me.role!} />
      <p><a href="/app/knowledge">← All knowledge</a></p>
      <div class="ws-head">
        <div>
          <h1>{doc.title}</h1>
          <dl class="meta">
            <div><dt>Status</dt><dd><StatusPill doc={doc} /></dd></div>
            <div><dt>Chunks</dt><dd>{doc.chunk_count}</dd></div>
            <div><dt>Language</dt><dd>{doc.language ?? "—"}</dd></div>
            <div><dt>Version</dt><dd>{doc.version}</dd></div>
            <div><dt>Queries</dt><dd>{doc.query_count} (last {when(doc.last_queried_at)})</dd></div>
          </dl>
          <p><a href={`/app/knowledge/${doc.id}/file`} download>Download {doc.format === "pdf" ? "the original PDF" : "the text"}</a></p>
        </div>
      </div>
      {opts.error ? <div class="error-summary" role="alert"><p>{opts.error}</p></div> : null}
      {canWrite ? (
        <section class="card" aria-labelledby="edit-title">
          <h2 id="edit-title">Edit</h2>
          <form method="post" action={`/app/knowledge/${doc.id}`} class="kb-forms" style="display:flex;flex-direction:column;gap:.6rem">
            <CsrfField token={csrf} />
            <label for="edit-title-f">Title</label>
            <input id="edit-title-f" name="title" value={doc.title} required maxlength={300} />
            <label for="edit-category">Category</label>
            <input id="edit-category" name="category" value={doc.category ?? ""} maxlength={100} />
            <label for="edit-visibility">Visibility</label>
            <select id="edit-visibility" name="visibility">
              <option value="public" selected={doc.visibility === "public"}>public (bot and agents)</option>
              <option value="internal" selected={doc.visibility === "internal"}>internal (agents only)</option>
            </select>
            <label for="edit-keywords">Intent keywords</label>
            <input id="edit-keywords" name="intent_keywords" value={doc.intent_keywords.join(", ")} maxlength={2000} />
            {editable ? (
              <>
                <label for="edit-content">Content ({doc.format})</label>
                <textarea id="edit-content" name="content" rows={14}>{doc.content ?? ""}</textarea>
              </>
            ) : (
              <p class="hint">A PDF's text is extracted from the file; upload a new file to change it.</p>
            )}
            <button type="submit">Save and re-index</button>
          </form>
          <div class="kb-actions">
            <form method="post" action={`/app/knowledge/${doc.id}/active`}>
              <CsrfField token={csrf} />
              <input type="hidden" name="active" value={doc.is_active ? "false" : "true"} />
              <button type="submit" class="secondary">{doc.is_active ? "Deactivate" : "Reactivate"}</button>
            </form>
            <form method="post" action={`/app/knowledge/${doc.id}/delete`}>
              <CsrfField token={csrf} />
              <button type="submit" class="danger">Delete</button>
            </form>
          </div>
        </section>
      ) : null}
      <section class="card" aria-labelledby="chunks-title">
        <h2 id="chunks-title">Chunks ({chunks.length})</h2>
        {chunks.length === 0 ? <p class="empty">Not indexed yet.</p> : null}
        {chunks.map((ch) => (
          <div class="kb-chunk" id={`chunk-${ch.id}`}>
            <strong>#{ch.index + 1}</strong> {ch.heading ?? ""} <span class="hint">· {ch.tokenCount} tokens</span>
            <pre>{ch.content}</pre>
          </div>
        ))}
      </section>
    </Layout>,
    status,
  );
}
