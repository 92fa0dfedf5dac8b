import type { Tx } from "../../db/client";
import { AppError } from "../../lib/errors";
import { loadSnapshot } from "./account";

/**
 * For resources a plan caps by count (channels, seats): call inside the transaction that adds one,
 * with how many exist now. Throws 402 PAYMENT_REQUIRED, worded for the user, when the plan is full.
 *
 * @example
 *   await assertPlanAllows(tx, tenantId, "channels", existingChannelCount);
 */
export async function assertPlanAllows(tx: Tx, tenantId: string, limit: "channels" | "seats", current: number): Promise<void> {
  const { plan } = await loadSnapshot(tx, tenantId);
  const max = plan.limits[limit];
  if (max !== null && current + 1 > max) {
    throw new AppError("PAYMENT_REQUIRED", `The ${plan.name} plan includes ${max} ${limit}; choose a larger plan on the billing page to add more`);
  }
}
