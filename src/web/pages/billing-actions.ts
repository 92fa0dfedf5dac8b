import type { Context } from "hono";
import { z } from "zod";
import { AppError } from "../../lib/errors";
import { billingReturnUrl } from "../../routes/billing/return-url";
import type { AppEnv } from "../../routes/hono-env";
import { startCheckout } from "../../services/billing/checkout";
import { openPortal } from "../../services/billing/portal";
import { PAID_PLAN_IDS } from "../../../tenants/plans";
import { verifyCsrf } from "../csrf";
import { readForm } from "../forms";
import { requireSession } from "../session";
import { csrfFailedPage, forbiddenPage, statusPage } from "./status";

type C = Context<AppEnv>;

const PlanForm = z.object({ plan: z.enum(PAID_PLAN_IDS) });

/** Billing failures that are about Stripe or the request, shown as a page; anything else goes to the app's handler. */
function billingErrorPage(c: C, err: unknown) {
  if (!(err instanceof AppError)) throw err;
  if (err.code === "FORBIDDEN") return forbiddenPage(c, "Only owners and billing admins can manage billing.");
  if (err.code === "UNAVAILABLE") return statusPage(c, 503, { title: "Billing is unavailable", message: err.message, back: { href: "/app/billing", label: "Back to billing" } });
  if (err.code === "CONFLICT" || err.code === "VERSION_CONFLICT" || err.code === "VALIDATION_FAILED") {
    return statusPage(c, err.status, { title: "Nothing changed", message: err.message, back: { href: "/app/billing", label: "Back to billing" } });
  }
  throw err;
}

/** POST /app/billing/checkout: to Stripe Checkout (303), or back to the page after an in-place plan change. */
export async function checkoutSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/app/billing");
  const parsed = PlanForm.safeParse(form);
  if (!parsed.success) return statusPage(c, 400, { title: "Choose a plan", message: "That plan does not exist.", back: { href: "/app/billing", label: "Back to billing" } });
  try {
    const { url } = await startCheckout({ ctx: c.get("ctx"), input: { plan: parsed.data.plan, returnUrl: billingReturnUrl(c) } });
    return c.redirect(url, 303);
  } catch (err) {
    return billingErrorPage(c, err);
  }
}

/** POST /app/billing/portal: to the Stripe customer portal (303). */
export async function portalSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/app/billing");
  try {
    const { url } = await openPortal({ ctx: c.get("ctx"), input: { returnUrl: billingReturnUrl(c) } });
    return c.redirect(url, 303);
  } catch (err) {
    return billingErrorPage(c, err);
  }
}
