import type { z } from "@hono/zod-openapi";
import { AppError } from "../../lib/errors";

/**
 * Checks a verb's input with the same schema the route validates with, so a flow run handing over
 * data it built gets the same 400 naming the field as an API caller (and never a database error).
 */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const field = first?.path.map(String).join(".") || undefined;
  throw new AppError("VALIDATION_FAILED", first ? `${field ?? "input"}: ${first.message}` : "Invalid input", { field });
}
