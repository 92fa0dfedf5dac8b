import { AppError } from "./errors";
import { base64url, fromBase64url } from "./crypto";

/** Keyset cursors: stable under inserts, unlike offsets. Opaque to clients, validated on the way in. */
export function encodeCursor(at: Date, id: string): string {
  return base64url(new TextEncoder().encode(JSON.stringify([at.toISOString(), id])));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Four-digit years only: toISOString writes others as `+275760-…` or `-000001-…`, which Postgres refuses.
const EARLIEST = Date.parse("1000-01-01T00:00:00Z");
const LATEST = Date.parse("9999-12-31T23:59:59Z");

/**
 * The cursor's position, or 400 VALIDATION_FAILED: clients can send anything, including a well-formed
 * base64 of well-formed JSON that is not a position (wrong types, a 36-dash "uuid", a year 275760).
 */
export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(cursor)));
    if (!Array.isArray(parsed) || parsed.length !== 2) throw new Error("shape");
    const [at, id] = parsed as unknown[];
    if (typeof at !== "string" || typeof id !== "string" || !UUID.test(id)) throw new Error("shape");
    const date = new Date(at);
    const t = date.getTime();
    if (Number.isNaN(t) || t < EARLIEST || t > LATEST) throw new Error("range");
    return { at: date, id };
  } catch {
    throw new AppError("VALIDATION_FAILED", "cursor is not a cursor returned by this API", { field: "cursor" });
  }
}
