import type { Context, Hono, MiddlewareHandler } from "hono";
import { AppError } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { createSlaPolicy, deleteSlaPolicy } from "../../services/sla/policies";
import type { SlaPolicyInput } from "../../services/sla/model";
import { createTeam, deleteTeam } from "../../services/teams/teams";
import type { TeamInput } from "../../services/teams/model";
import { verifyCsrf } from "../csrf";
import { readForm } from "../forms";
import { requireSession } from "../session";
import { renderSettings, WEEKDAY_NAMES } from "./settings";
import { csrfFailedPage, forbiddenPage } from "./status";

type C = Context<AppEnv>;

const ID = "{[0-9a-fA-F-]{36}}";

/** Refusals re-render the page with the message; forbidden goes to the app's page, the rest to the error handler. */
async function refused(c: C, err: unknown) {
  if (err instanceof AppError && err.code === "FORBIDDEN") return forbiddenPage(c, "Owners and admins manage teams; owners, admins and supervisors manage SLA policies.");
  if (err instanceof AppError && ["VALIDATION_FAILED", "CONFLICT", "VERSION_CONFLICT"].includes(err.code)) return renderSettings(c, { error: err.message }, 400);
  throw err;
}

/** Wraps a form post: session, CSRF, then the action and a redirect back (303) with the outcome. */
const submit = (action: (c: C, form: Record<string, string>) => Promise<unknown>) => async (c: C) => {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/app/settings");
  try {
    await action(c, form);
    return c.redirect("/app/settings", 303);
  } catch (err) {
    return refused(c, err);
  }
};

const list = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** A whole number from a form field, or undefined when left empty; anything else is a 400 naming the field. */
function whole(form: Record<string, string>, field: string, label: string): number | undefined {
  const v = form[field]?.trim();
  if (!v) return undefined;
  const n = /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < 1) throw new AppError("VALIDATION_FAILED", `${label} must be a whole number above 0`, { field });
  return n;
}

export function slaInputOf(form: Record<string, string>): SlaPolicyInput {
  const first = whole(form, "first_response_min", "First response");
  if (first === undefined) throw new AppError("VALIDATION_FAILED", "Enter the first response target", { field: "first_response_min" });
  const next = whole(form, "next_response_min", "Next response");
  const resolution = whole(form, "resolution_h", "Resolution");
  const timezone = form.timezone?.trim();
  const days = WEEKDAY_NAMES.map(([d]) => d).filter((d) => form[`day_${d}`] === "on");
  if (timezone && days.length === 0) throw new AppError("VALIDATION_FAILED", "Pick at least one day the business is open", { field: "day_mon" });
  return {
    name: form.name ?? "",
    first_response_s: first * 60,
    ...(next !== undefined && { next_response_s: next * 60 }),
    ...(resolution !== undefined && { resolution_s: resolution * 3600 }),
    ...(timezone && { business_hours: { timezone, weekly: days.map((day) => ({ day, open: form.open || "09:00", close: form.close || "17:00" })) } }),
    is_default: form.is_default === "on",
  };
}

/** The settings page's form posts, registered by src/web/app.tsx with the app's small-form limit. */
export function registerSettingsPages(app: Hono<AppEnv>, formLimit: MiddlewareHandler<AppEnv>) {
  app.get("/app/settings", async (c) => (await requireSession(c)) ?? renderSettings(c));
  app.post(
    "/app/settings/teams",
    formLimit,
    submit((c, form) => {
      const input: TeamInput = {
        name: form.name ?? "",
        routing: (form.routing as TeamInput["routing"]) || "round_robin",
        ...(list(form.default_skills).length && { default_skills: list(form.default_skills) }),
        ...(form.escalation_team_id && { escalation_team_id: form.escalation_team_id }),
      };
      return createTeam({ ctx: c.get("ctx"), input });
    }),
  );
  app.post(`/app/settings/teams/:id${ID}/delete`, formLimit, submit((c) => deleteTeam({ ctx: c.get("ctx"), input: { id: c.req.param("id")! } })));
  app.post("/app/settings/sla", formLimit, submit((c, form) => createSlaPolicy({ ctx: c.get("ctx"), input: slaInputOf(form) })));
  app.post(`/app/settings/sla/:id${ID}/delete`, formLimit, submit((c) => deleteSlaPolicy({ ctx: c.get("ctx"), input: { id: c.req.param("id")! } })));
}
