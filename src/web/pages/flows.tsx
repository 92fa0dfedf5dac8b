import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { parseDefinition } from "../../flows/definition";
import { validateFlow, type FlowProblem } from "../../flows/validate";
import { unauthorized } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { getMe } from "../../services/auth/me";
import { getFlow, listFlows, listFlowVersions } from "../../services/flows/flows";
import type { Flow, FlowVersion } from "../../services/flows/model";
import type { Simulation } from "../../services/flows/simulate";
import { roleAllows } from "../../services/permissions";
import { ensureCsrfToken } from "../csrf";
import { CsrfField, ErrorSummary, Field, type FormState } from "../forms";
import { Layout, render } from "../layout";
import { AppNav } from "./app-nav";
import { FlowGraph } from "./flows-graph";
import { roleLabel } from "./workspace";

type C = Context<AppEnv>;

const STATUS_PILL: Record<string, string> = { published: "pill", draft: "pill invited", archived: "pill invited" };

/** The flows list: every flow with its published and latest versions, and a form to start a new one. */
export async function renderFlows(c: C, opts: { form?: FormState } = {}, status: ContentfulStatusCode = 200) {
  const ctx = c.get("ctx");
  const me = await getMe({ ctx });
  if (!me.user || !me.role) throw unauthorized();
  const page = await listFlows({ ctx, input: { limit: 100 } });
  const csrf = ensureCsrfToken(c);
  const canWrite = roleAllows(me.role, "flows:write");
  return render(
    c,
    <Layout title={`Flows · ${me.tenant.name}`} hasErrors={!!opts.form?.errors} signedIn={{ email: me.user.email, csrf }}>
      <AppNav current="flows" role={me.role} />
      <div class="ws-head">
        <div>
          <h1>Bot flows</h1>
          <p class="lead">What the bot says and does on each conversation. Channels run their flow's published version, or the workspace default.</p>
        </div>
      </div>
      <section class="card" aria-labelledby="flows-title">
        <h2 id="flows-title">Flows</h2>
        {page.data.length === 0 ? (
          <p class="empty">No flows yet.</p>
        ) : (
          <div class="table-wrap" role="region" aria-labelledby="flows-title" tabindex={0}>
            <table>
              <caption class="visually-hidden">Bot flows, newest first</caption>
              <thead>
                <tr><th scope="col">Name</th><th scope="col">Published</th><th scope="col">Latest</th><th scope="col">Updated</th></tr>
              </thead>
              <tbody>
                {page.data.map((f) => (
                  <tr>
                    <th scope="row">
                      <a href={`/app/flows/${f.id}`}>{f.name}</a> {f.is_default ? <span class="pill">default</span> : null}
                    </th>
                    <td>{f.published_version === null ? <span class="muted">not published</span> : `v${f.published_version}`}</td>
                    <td>v{f.latest_version}</td>
                    <td>{f.updated_at.slice(0, 16).replace("T", " ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="new-flow-title" style="margin-top:1.5rem">
        <h2 id="new-flow-title">New flow</h2>
        {canWrite ? (
          <form method="post" action="/app/flows" novalidate>
            <CsrfField token={csrf} />
            <ErrorSummary errors={opts.form?.errors} fieldIds={{ name: "flow-name" }} />
            <Field id="flow-name" name="name" label="Name" value={opts.form?.values?.name} error={opts.form?.errors?.name} maxlength={200} />
            <button type="submit">Create flow</button>
          </form>
        ) : (
          <p class="empty">Your role ({roleLabel(me.role)}) can view flows; owners, admins and supervisors edit them.</p>
        )}
      </section>
    </Layout>,
    status,
  );
}

export interface FlowPageState {
  /** The textarea's content when it is re-shown after a failed save (not what is stored). */
  draftText?: string;
  /** Problems to show: from a refused save or publish, else the shown version's own validation. */
  problems?: FlowProblem[];
  notice?: string;
  simulation?: { messages: string; result?: Simulation; error?: string };
}

const ProblemList = ({ problems }: { problems: FlowProblem[] }) =>
  problems.length === 0 ? (
    <p class="notice" role="status" style="margin:0 0 1rem">This version passes validation: it can be published.</p>
  ) : (
    <div class="error-summary" role="alert" id="flow-problems">
      <p>{problems.length === 1 ? "1 problem stops this version from being published" : `${problems.length} problems stop this version from being published`}</p>
      <ul>
        {problems.map((p) => (
          <li>
            {p.node ? <strong><code>{p.node}</code></strong> : <strong>flow</strong>}: {p.problem}
          </li>
        ))}
      </ul>
    </div>
  );

const VersionsTable = ({ flow, versions, csrf, canWrite }: { flow: Flow; versions: FlowVersion[]; csrf: string; canWrite: boolean }) => (
  <div class="table-wrap" role="region" aria-labelledby="versions-title" tabindex={0}>
    <table>
      <caption class="visually-hidden">Versions of {flow.name}, newest first</caption>
      <thead>
        <tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Saved</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr>
            <th scope="row"><a href={`/app/flows/${flow.id}?version=${v.version}`} aria-current={v.version === flow.version ? "page" : undefined}>v{v.version}</a></th>
            <td><span class={STATUS_PILL[v.status]}>{v.status}</span></td>
            <td>{v.created_at.slice(0, 16).replace("T", " ")}</td>
            <td>
              {canWrite && v.status !== "published" ? (
                <form method="post" action={`/app/flows/${flow.id}/publish`}>
                  <CsrfField token={csrf} />
                  <input type="hidden" name="version" value={String(v.version)} />
                  <button type="submit" class="secondary">{flow.published_version !== null && v.version < flow.published_version ? `Roll back to v${v.version}` : `Publish v${v.version}`}</button>
                </form>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

const Simulator = ({ flow, csrf, state }: { flow: Flow; csrf: string; state?: FlowPageState["simulation"] }) => (
  <section class="card" aria-labelledby="sim-title" id="simulator">
    <h2 id="sim-title">Simulator</h2>
    <p class="hint">Runs v{flow.version} with side effects off: nothing is sent, stored or called. One customer message per line.</p>
    {state?.result ? (
      <ol class="thread" aria-label="Simulated conversation" style="margin-bottom:1rem">
        {state.result.turns.map((t) => (
          <>
            <li class="msg"><p class="msg-head"><span class="msg-who">Customer</span></p><p class="msg-text">{t.message}</p></li>
            {t.replies.map((r) => (
              <li class="msg" style="margin-left:auto;background:#eef2ff"><p class="msg-head"><span class="msg-who">Bot</span></p><p class="msg-text">{r}</p></li>
            ))}
            {t.outcome === "escalated" ? <li class="muted">Handed off to a person.</li> : null}
          </>
        ))}
      </ol>
    ) : null}
    {state?.result ? (
      <details>
        <summary>Steps ({state.result.steps.length}) · outcome <strong>{state.result.outcome}</strong></summary>
        <ol>
          {state.result.steps.map((s) => (
            <li><code>{s.node}</code> {s.type} → {s.outcome}</li>
          ))}
        </ol>
        <p>Variables: <code>{JSON.stringify(state.result.variables)}</code></p>
      </details>
    ) : null}
    {state?.error ? <p class="field-error" role="alert">{state.error}</p> : null}
    <form method="post" action={`/app/flows/${flow.id}/simulate`}>
      <CsrfField token={csrf} />
      <input type="hidden" name="version" value={String(flow.version)} />
      <div class="field">
        <label for="sim-messages">Customer messages</label>
        <textarea id="sim-messages" name="messages" rows={3} required>{state?.messages ?? "hola"}</textarea>
      </div>
      <button type="submit">Simulate</button>
    </form>
  </section>
);

/** One flow: its definition beside the graph, problems per node, versions with publish/roll back, and the simulator. */
export async function renderFlow(c: C, id: string, opts: { version?: number; state?: FlowPageState } = {}, status: ContentfulStatusCode = 200) {
  const ctx = c.get("ctx");
  const me = await getMe({ ctx });
  if (!me.user || !me.role) throw unauthorized();
  const flow = await getFlow({ ctx, input: { id, version: opts.version } });
  const { data: versions } = await listFlowVersions({ ctx, input: { id } });
  const csrf = ensureCsrfToken(c);
  const canWrite = roleAllows(me.role, "flows:write");
  const parsed = parseDefinition(flow.definition);
  const problems = opts.state?.problems ?? (parsed.ok ? validateFlow(parsed.definition) : parsed.problems);
  const text = opts.state?.draftText ?? JSON.stringify(flow.definition, null, 2);

  return render(
    c,
    <Layout title={`${flow.name} · Flows`} hasErrors={problems.length > 0 && status >= 400} signedIn={{ email: me.user.email, csrf }}>
      <AppNav current="flows" role={me.role} />
      <p class="crumbs"><a href="/app/flows">All flows</a></p>
      <div class="ws-head">
        <div>
          <h1>{flow.name}</h1>
          <p class="lead">
            Showing v{flow.version} ({flow.status}) · published: {flow.published_version === null ? "none" : `v${flow.published_version}`} · latest: v{flow.latest_version}
          </p>
        </div>
      </div>
      {opts.state?.notice ? <div class="notice" role="status"><p>{opts.state.notice}</p></div> : null}
      <ProblemList problems={problems} />
      <div style="display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1.5rem;align-items:start">
        <section class="card" aria-labelledby="definition-title">
          <h2 id="definition-title">Definition</h2>
          <form method="post" action={`/app/flows/${flow.id}/draft`}>
            <CsrfField token={csrf} />
            <div class="field">
              <label for="flow-definition">Definition (JSON)</label>
              <p id="flow-definition-hint" class="hint">Saving makes a new draft version; published versions never change.</p>
              <textarea id="flow-definition" name="definition" rows={28} spellcheck={false} readonly={!canWrite} aria-describedby="flow-definition-hint" style="width:100%;font-family:ui-monospace,monospace;font-size:.85rem">
                {text}
              </textarea>
            </div>
            {canWrite ? <button type="submit">Save draft</button> : null}
          </form>
          {canWrite && flow.status !== "published" ? (
            <form method="post" action={`/app/flows/${flow.id}/publish`} style="margin-top:.75rem">
              <CsrfField token={csrf} />
              <input type="hidden" name="version" value={String(flow.version)} />
              <button type="submit" class="secondary">Publish v{flow.version}</button>
            </form>
          ) : null}
        </section>
        <section class="card" aria-labelledby="graph-title">
          <h2 id="graph-title">Graph</h2>
          {parsed.ok ? <FlowGraph definition={parsed.definition} problemNodes={new Set(problems.map((p) => p.node).filter((n): n is string => !!n))} /> : <p class="empty">The definition cannot be drawn until it is a valid flow.</p>}
        </section>
      </div>
      <div style="display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1.5rem;align-items:start;margin-top:1.5rem">
        <section class="card" aria-labelledby="versions-title">
          <h2 id="versions-title">Versions</h2>
          <VersionsTable flow={flow} versions={versions} csrf={csrf} canWrite={canWrite} />
        </section>
        <Simulator flow={flow} csrf={csrf} state={opts.state?.simulation} />
      </div>
    </Layout>,
    status,
  );
}
