import { z } from "@hono/zod-openapi";
import { AppError } from "../../lib/errors";

const DAY = 86_400_000;

/** `from` and `to` query parameters of a report over a period (reports, knowledge analytics). */
export const PeriodQuery = z.object({
  from: z.string().datetime({ offset: true }).optional().openapi({ description: "Start of the period (default: 30 days before `to`)" }),
  to: z.string().datetime({ offset: true }).optional().openapi({ description: "End of the period (default: now)" }),
});

/**
 * The period a report covers, checked: both ends real dates between 1970 and 9999, `from` before `to`,
 * and at most `maxDays` long (the queries scan the period's rows). A bad period is a 400 naming the field.
 */
export function reportPeriod(input: { from?: string; to?: string }, maxDays: number): { from: Date; to: Date } {
  const to = input.to ? new Date(input.to) : new Date();
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - 30 * DAY);
  // Outside this range Postgres refuses the timestamp (year 0) or the period is meaningless.
  for (const [field, d] of [["from", from], ["to", to]] as const) {
    // A well-formed but impossible date (2026-02-30T00:00:00Z) parses to NaN, which no comparison catches.
    if (Number.isNaN(d.getTime())) throw new AppError("VALIDATION_FAILED", `${field} is not a real date`, { field });
    if (d.getTime() < Date.UTC(1970, 0, 1) || d.getTime() > Date.UTC(9999, 0, 1)) throw new AppError("VALIDATION_FAILED", `${field} must be between 1970 and 9999`, { field });
  }
  if (from >= to) throw new AppError("VALIDATION_FAILED", "from must be before to", { field: "from" });
  if (to.getTime() - from.getTime() > maxDays * DAY) throw new AppError("VALIDATION_FAILED", `a report covers at most ${maxDays} days`, { field: "from" });
  return { from, to };
}
