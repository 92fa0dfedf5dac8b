/**
 * Whether a failure means the database could not be reached (down, restarting, out of connections),
 * as opposed to a statement it refused or a bug. Callers answer such a failure with 503 and
 * Retry-After, so a provider retries the webhook later instead of treating it as a server error.
 *
 * A failure counts when its cause chain carries a SQLSTATE of class 08 (connection exception), 53
 * (insufficient resources) or 57P0x (shutdown / cannot connect now), or carries no SQLSTATE at all
 * and reads like the transport failing: the driver surfaces a lost WebSocket or refused connection
 * as a plain Error, with no code to go by.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let sawSqlState = false;
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      sawSqlState = true;
      if (code.startsWith("08") || code.startsWith("53") || code.startsWith("57P0")) return true;
    }
    if (typeof code === "string" && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND)$/.test(code)) return true;
    const message = e instanceof Error ? e.message : typeof e === "string" ? e : "";
    if (!sawSqlState && TRANSPORT_FAILURE.test(message)) return true;
  }
  return false;
}

const TRANSPORT_FAILURE =
  /connection (terminated|refused|closed|ended|reset|timeout)|terminated unexpectedly|websocket|socket (hang up|closed|error)|network connection|fetch failed|could not connect|client has encountered a connection error|Client was closed|Connection terminated|error connecting to database/i;

/**
 * The constraint a unique violation (SQLSTATE 23505) in the failure's cause chain names, if there is
 * one: Drizzle wraps the driver's error, which carries the code and the constraint.
 */
export function uniqueViolation(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const f = e as { code?: unknown; constraint?: unknown };
    if (f.code === "23505") return typeof f.constraint === "string" ? f.constraint : "";
  }
  return undefined;
}
