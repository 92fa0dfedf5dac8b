import type { Role } from "../../db/schema";
import { roleAllows } from "../../services/permissions";

export type AppSection = "workspace" | "inbox" | "tickets" | "channels" | "flows" | "knowledge" | "settings" | "reports" | "billing";

/** The app's main sections, each shown only to roles that may open it; the current one is marked for screen readers. */
export const AppNav = ({ current, role }: { current: AppSection; role: Role }) => {
  const here = (s: AppSection) => (current === s ? "page" : undefined);
  return (
    <nav class="app-nav" aria-label="Main">
      <a href="/app" aria-current={here("workspace")}>Workspace</a>
      {roleAllows(role, "conversations:read") ? <a href="/app/inbox" aria-current={here("inbox")}>Inbox</a> : null}
      {roleAllows(role, "tickets:read") ? <a href="/app/tickets" aria-current={here("tickets")}>Tickets</a> : null}
      {roleAllows(role, "channels:read") ? <a href="/app/channels" aria-current={here("channels")}>Channels</a> : null}
      {roleAllows(role, "flows:read") ? <a href="/app/flows" aria-current={here("flows")}>Flows</a> : null}
      {roleAllows(role, "knowledge:read") ? <a href="/app/knowledge" aria-current={here("knowledge")}>Knowledge</a> : null}
      {roleAllows(role, "sla:read") ? <a href="/app/settings" aria-current={here("settings")}>Teams &amp; SLA</a> : null}
      {roleAllows(role, "reports:read") ? <a href="/app/reports" aria-current={here("reports")}>Reports</a> : null}
      {roleAllows(role, "billing:manage") ? <a href="/app/billing" aria-current={here("billing")}>Billing</a> : null}
    </nav>
  );
};
