import type { Context, Hono, MiddlewareHandler } from "hono";
import { unauthorized } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { getMe } from "../../services/auth/me";
import { getReport, type Report } from "../../services/reports/reports";
import { SLA_JS } from "../assets/sla-script";
import { serveScript } from "../assets/serve";
import { ensureCsrfToken } from "../csrf";
import { Layout, render } from "../layout";
import { requireSession } from "../session";
import { AppNav } from "./app-nav";

type C = Context<AppEnv>;

const CSS = `
.rp-stats{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));margin-bottom:1.25rem}
.rp-stat{border:1px solid var(--line);border-radius:10px;padding:.8rem 1rem}
.rp-stat b{display:block;font-size:1.6rem;line-height:1.2}
.rp-stat span{color:var(--muted);font-size:.9rem}
.rp-grid{display:grid;gap:1.25rem;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));align-items:start}.rp-grid>.card{margin:0}
.rp-legend{display:flex;gap:1rem;margin:-.25rem 0 .5rem;font-size:.85rem;color:var(--muted)}.rp-legend i{display:inline-block;width:.75rem;height:.75rem;border-radius:2px;margin-right:.35rem;vertical-align:-.1rem}
.rp-chart svg{width:100%;height:auto;display:block}
.rp-chart text{font:12px system-ui,sans-serif;fill:#3b4456}
.rp-period{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center;margin:0 0 1rem}
.rp-period a[aria-current]{font-weight:700;text-decoration:none}
.rp-empty{color:var(--muted)}
`;

const PERIODS = [7, 30, 90] as const;

/** "3m 20s", "4h 05m", "2d 3h": durations as agents read them. */
export function duration(s: number | null): string {
  if (s === null) return "–";
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** Vertical bars, one or two series (the second drawn over the first, e.g. breached of all). */
const Columns = ({ title, labels, series, colors }: { title: string; labels: string[]; series: number[][]; colors: string[] }) => {
  const w = 560;
  const h = 220;
  const pad = { l: 36, b: 34, t: 10 };
  const max = Math.max(1, ...series.flat());
  const slot = (w - pad.l) / Math.max(1, labels.length);
  const bar = Math.max(2, Math.min(36, slot * 0.7));
  const y = (v: number) => h - pad.b - (v / max) * (h - pad.b - pad.t);
  const every = Math.ceil(labels.length / 10);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={title}>
      <title>{title}</title>
      <line x1={pad.l} y1={h - pad.b} x2={w} y2={h - pad.b} stroke="#c5cad6" />
      <text x={pad.l - 6} y={pad.t + 4} text-anchor="end">{max}</text>
      <text x={pad.l - 6} y={h - pad.b} text-anchor="end">0</text>
      {labels.map((label, i) => (
        <g>
          {series.map((s, k) => (
            <rect x={pad.l + i * slot + (slot - bar) / 2} y={y(s[i] ?? 0)} width={bar} height={Math.max(0, h - pad.b - y(s[i] ?? 0))} fill={colors[k]} rx="2">
              <title>{`${label}: ${s[i] ?? 0}`}</title>
            </rect>
          ))}
          {i % every === 0 ? <text x={pad.l + i * slot + slot / 2} y={h - pad.b + 16} text-anchor="middle">{label}</text> : null}
        </g>
      ))}
    </svg>
  );
};

/** Horizontal bars of a percentage (SLA attainment), with the count beside each. */
const Attainment = ({ title, rows }: { title: string; rows: Array<{ label: string; pct: number | null; n: number }> }) => {
  const w = 560;
  const rowH = 26;
  const h = Math.max(1, rows.length) * rowH + 10;
  const left = 150;
  const right = 90;
  if (rows.length === 0) return <p class="rp-empty">No conversations under an SLA in this period.</p>;
  return (
    <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={title}>
      <title>{title}</title>
      {rows.map((r, i) => {
        const width = ((r.pct ?? 0) / 100) * (w - left - right);
        const fill = r.pct === null ? "#c5cad6" : r.pct >= 90 ? "#1f8a4c" : r.pct >= 70 ? "#c27c0e" : "#c0392b";
        return (
          <g>
            <text x={left - 8} y={i * rowH + 18} text-anchor="end">{r.label.length > 22 ? `${r.label.slice(0, 21)}…` : r.label}</text>
            <rect x={left} y={i * rowH + 5} width={w - left - right} height={16} fill="#eef0f5" rx="3" />
            <rect x={left} y={i * rowH + 5} width={width} height={16} fill={fill} rx="3">
              <title>{`${r.label}: ${r.pct ?? "–"}% of ${r.n}`}</title>
            </rect>
            <text x={w - right + 8} y={i * rowH + 18}>{`${r.pct ?? "–"}% · ${r.n}`}</text>
          </g>
        );
      })}
    </svg>
  );
};

function ReportBody({ report }: { report: Report }) {
  const priorities = ["P0", "P1", "P2", "P3", "none"].map((p) => ({ p, n: report.volume_by_priority.find((v) => v.priority === p)?.count ?? 0 }));
  return (
    <>
      <div class="rp-stats">
        <div class="rp-stat"><span>First response, median</span><b>{duration(report.first_response.median_s)}</b><span>p90 {duration(report.first_response.p90_s)} · {report.first_response.count} answered</span></div>
        <div class="rp-stat"><span>Resolution, median</span><b>{duration(report.resolution.median_s)}</b><span>p90 {duration(report.resolution.p90_s)} · {report.resolution.count} resolved</span></div>
        <div class="rp-stat"><span>SLA attainment</span><b>{report.sla.attainment_pct === null ? "–" : `${report.sla.attainment_pct}%`}</b><span>{report.sla.breached} of {report.sla.conversations} breached</span></div>
        <div class="rp-stat"><span>Breaches by metric</span><b>{report.sla.breaches_by_metric.reduce((n, m) => n + m.count, 0)}</b><span>{report.sla.breaches_by_metric.map((m) => `${m.metric.replace("_", " ")} ${m.count}`).join(" · ") || "none"}</span></div>
      </div>
      <div class="rp-grid">
        <section class="card rp-chart" aria-labelledby="rp-daily">
          <h2 id="rp-daily">Conversations per day</h2>
          <p class="rp-legend" aria-hidden="true"><span><i style="background:#2447c4" />all</span><span><i style="background:#c0392b" />breached their SLA</span></p>
          <Columns title="Conversations per day (blue) and those that breached their SLA (red)" labels={report.daily.map((d) => d.date.slice(5))} series={[report.daily.map((d) => d.conversations), report.daily.map((d) => d.breached)]} colors={["#2447c4", "#c0392b"]} />
        </section>
        <section class="card rp-chart" aria-labelledby="rp-priority">
          <h2 id="rp-priority">Volume by priority</h2>
          <Columns title="Conversations by priority" labels={priorities.map((p) => p.p)} series={[priorities.map((p) => p.n)]} colors={["#5b6b8c"]} />
        </section>
        <section class="card rp-chart" aria-labelledby="rp-team">
          <h2 id="rp-team">SLA attainment by team</h2>
          <Attainment title="Share of conversations under an SLA that never breached, by team" rows={report.sla.by_team.map((t) => ({ label: t.name, pct: t.attainment_pct, n: t.conversations }))} />
        </section>
        <section class="card rp-chart" aria-labelledby="rp-channel">
          <h2 id="rp-channel">SLA attainment by channel</h2>
          <Attainment title="Share of conversations under an SLA that never breached, by channel" rows={report.sla.by_channel.map((t) => ({ label: t.name, pct: t.attainment_pct, n: t.conversations }))} />
        </section>
      </div>
    </>
  );
}

/** GET /app/reports?days=7|30|90: the charts for the period (server-rendered SVG; no script). */
export async function renderReports(c: C) {
  const ctx = c.get("ctx");
  const me = await getMe({ ctx });
  if (!me.user || !me.role) throw unauthorized();
  const days = PERIODS.find((d) => String(d) === c.req.query("days")) ?? 30;
  const to = new Date();
  const report = await getReport({ ctx, input: { from: new Date(to.getTime() - days * 86_400_000).toISOString(), to: to.toISOString() } });
  return render(
    c,
    <Layout title={`Reports · ${me.tenant.name}`} signedIn={{ email: me.user.email, csrf: ensureCsrfToken(c) }}>
      <style dangerouslySetInnerHTML={{ __html: CSS }} />
      <AppNav current="reports" role={me.role} />
      <div class="ws-head">
        <div>
          <h1>Reports</h1>
          <p class="lead">How fast the team answers and resolves, and how often the promise to the customer held.</p>
        </div>
      </div>
      <nav class="rp-period" aria-label="Period">
        <span>Last</span>
        {PERIODS.map((d) => (
          <a href={`/app/reports?days=${d}`} aria-current={d === days ? "page" : undefined}>{`${d} days`}</a>
        ))}
      </nav>
      <ReportBody report={report} />
    </Layout>,
  );
}

/** The reports page and the SLA badge script, registered by the web app (one line in src/web/app.tsx). */
export function registerReportsPages(app: Hono<AppEnv>, _formLimit: MiddlewareHandler) {
  app.get("/app/reports", async (c) => (await requireSession(c)) ?? renderReports(c));
  // The inbox's SLA countdown (see inbox-sla.tsx): versioned URL, so cached for good.
  app.get("/assets/sla.js", (c) => serveScript(c, SLA_JS, "immutable"));
}
