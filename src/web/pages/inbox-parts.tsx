import type { Context } from "hono";
import { CONVERSATION_STATES, type ConversationState } from "../../db/schema";
import { unauthorized } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { getMe } from "../../services/auth/me";
import { INBOX_JS_PATH } from "../assets/inbox-script";
import { ensureCsrfToken } from "../csrf";

export const STATE_LABELS: Record<ConversationState, string> = {
  open: "Open",
  awaiting_agent: "Awaiting agent",
  awaiting_customer: "Awaiting customer",
  escalated: "Escalated",
  resolved: "Resolved",
  reopened: "Reopened",
};

export const isState = (s: string | undefined): s is ConversationState => !!s && (CONVERSATION_STATES as readonly string[]).includes(s);
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const CHANNEL_TYPE_LABELS: Record<string, string> = { whatsapp: "WhatsApp", telegram: "Telegram", twilio_sms: "SMS", webchat: "Web chat", api: "API", email: "Email" };

/** Who is looking, and the CSRF token for their forms. Throws UNAUTHORIZED (→ log in) for a dead session. */
export async function viewer(c: Context<AppEnv>) {
  const me = await getMe({ ctx: c.get("ctx") });
  if (!me.user || !me.role) throw unauthorized();
  return { email: me.user.email, userId: me.user.id, role: me.role, tenant: me.tenant, csrf: ensureCsrfToken(c) };
}

/** UTC on the server; the inbox script rewrites it in the reader's own time zone. */
export const When = ({ iso }: { iso: string | null }) =>
  iso ? <time datetime={iso}>{`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`}</time> : <span>—</span>;

/** The same-origin enhancement script (CSP: no inline script), loaded after parsing. */
export const InboxScript = () => <script src={INBOX_JS_PATH} defer />;

export const PRIORITIES = ["P0", "P1", "P2", "P3"] as const;
export type PriorityLevel = (typeof PRIORITIES)[number];
export const isPriority = (s: string | undefined): s is PriorityLevel => !!s && (PRIORITIES as readonly string[]).includes(s);
const PRIORITY_TITLES: Record<PriorityLevel, string> = { P0: "P0, most urgent", P1: "P1, urgent", P2: "P2, normal", P3: "P3, low" };

/**
 * Page-only rules for understanding (inline styles are allowed by the CSP, scripts are not). Badge
 * colours keep AA contrast; angry and P0 also differ in weight and border, not in colour alone.
 */
export const INBOX_CSS = `
.prio{display:inline-block;min-width:2.2rem;text-align:center;padding:.05rem .45rem;border-radius:6px;font-size:.8rem;font-weight:700;border:1.5px solid transparent}
.prio-P0{background:#b42318;color:#fff}.prio-P1{background:#fff4e5;color:#8a4b00;border-color:#b54708}
.prio-P2{background:#eef2ff;color:#1f3aa6}.prio-P3{background:#f1f3f8;color:#4a5568}
.senti{font-size:.85rem;color:var(--muted)}.senti-angry{color:var(--danger);font-weight:700}.senti-negative{color:#8a4b00}
.lang{font:.8rem ui-monospace,SFMono-Regular,Menlo,monospace;text-transform:uppercase;color:var(--muted)}
tr.escalated>*{background:#fff8f7}tr.escalated th{box-shadow:inset 4px 0 0 var(--danger)}tr.escalated .pill{border:1px solid var(--danger)}
.filters{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:-.5rem 0 1.25rem}.filters>span{font-weight:600;margin-right:.25rem}
.filters a{padding:.2rem .7rem;border:1.5px solid var(--line);border-radius:999px;background:var(--card);text-decoration:none;font-weight:600;font-size:.9rem;color:var(--text)}
.filters a[aria-current="page"]{border-color:var(--text);box-shadow:inset 0 0 0 1px var(--text)}
.annot{margin:.45rem 0 0;padding:.45rem .6rem;border-top:1px dashed var(--line);font-size:.85rem}
.annot dl{display:flex;flex-wrap:wrap;gap:.2rem 1rem;margin:0}.annot dt{display:inline;font-weight:600}.annot dd{display:inline;margin:0 0 0 .3rem}
.annot details{margin-top:.35rem}.annot summary{cursor:pointer;color:var(--primary);font-weight:600}
.msg.annotated{max-width:95%}
.annot form{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr) minmax(0,1fr);gap:.5rem;align-items:end;margin-top:.5rem}.annot form>.error-summary,.annot form>button{grid-column:1/-1;justify-self:start}
@media(max-width:36rem){.annot form{grid-template-columns:1fr}}
.annot label{font-size:.8rem;margin-bottom:.15rem}.annot select{min-height:2.25rem;padding:.3rem .5rem;font-size:.9rem}.annot button{min-height:2.25rem;padding:.3rem .8rem}
.annot .field{margin:0}.corrected{color:var(--ok);font-weight:600}
.handover{border:2px solid var(--danger);background:var(--danger-bg);border-radius:8px;padding:.75rem 1rem;margin-bottom:1.25rem}
.handover h2,.summary h2{font-size:1rem;margin:0 0 .35rem}.handover p,.summary p{margin:0;white-space:pre-wrap}
.summary{border:1px solid var(--line);background:#f8f9fc;border-radius:8px;padding:.75rem 1rem;margin-bottom:1.25rem}.summary ul{margin:.35rem 0 0;padding-left:1.2rem}
.pill.paused{background:#fff4e5;color:#8a4b00}
`;

export const InboxStyles = () => <style dangerouslySetInnerHTML={{ __html: INBOX_CSS }} />;

/** The priority as a badge: P0 red … P3 grey, with its meaning for screen readers and on hover. */
export const PriorityBadge = ({ priority }: { priority: string | null | undefined }) =>
  isPriority(priority ?? undefined) ? (
    <span class={`prio prio-${priority}`} title={PRIORITY_TITLES[priority as PriorityLevel]}>
      {priority}
      <span class="visually-hidden">{` (${PRIORITY_TITLES[priority as PriorityLevel].split(", ")[1]})`}</span>
    </span>
  ) : (
    <span class="muted">—</span>
  );

export const SentimentTag = ({ label }: { label: string | null | undefined }) =>
  label ? (
    <span class={`senti senti-${label}`}>
      {label === "angry" ? <span aria-hidden="true">⚠ </span> : null}
      {label}
    </span>
  ) : (
    <span class="muted">—</span>
  );

export const LanguageTag = ({ code }: { code: string | null | undefined }) =>
  code && code !== "und" ? <abbr class="lang" title={`Language: ${code}`}>{code}</abbr> : <span class="muted">—</span>;
