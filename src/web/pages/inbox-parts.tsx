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
