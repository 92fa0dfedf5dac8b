/**
 * Structured JSON logs (Workers Logs indexes JSON fields). Callers pass facts, never credentials:
 * `redact` strips anything whose key looks secret before it is printed, as a second line of defence.
 */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[_-]?key|credential|signature/i;

function redact(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : v;
  return out;
}

export function createLogger(base: Record<string, unknown>, quiet = false): Logger {
  const write = (level: string, msg: string, fields?: Record<string, unknown>) => {
    if (quiet && level === "info") return;
    const line = JSON.stringify({ level, msg, ...base, ...redact(fields) });
    if (level === "error") console.error(line);
    else console.log(line);
  };
  return {
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}
