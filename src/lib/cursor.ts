import { AppError } from "./errors";
import { base64url, fromBase64url } from "./crypto";

/** Keyset cursors: stable under inserts, unlike offsets. Opaque to clients, validated on the way in. */
export function encodeCursor(at: Date, id: string): string {
  return base64url(new TextEncoder().encode(JSON.stringify([at.toISOString(), id])));
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(new TextDecoder().decode(fromBase64url(cursor))) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error("shape");
    return { at: date, id };
  } catch {
    throw new AppError("VALIDATION_FAILED", "cursor is not a cursor returned by this API", { field: "cursor" });
  }
}
