import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./failures";

const pgError = (code: string, message = "error") => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  it("counts connection, resource and shutdown states, also wrapped as a cause", () => {
    for (const code of ["08006", "08001", "53300", "57P01", "57P03"]) expect(isDatabaseUnavailable(pgError(code)), code).toBe(true);
    expect(isDatabaseUnavailable(new Error("Failed query: select 1", { cause: pgError("57P01") }))).toBe(true);
  });

  it("counts a transport failure that carries no SQLSTATE", () => {
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("WebSocket connection closed"))).toBe(true);
    expect(isDatabaseUnavailable(pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"))).toBe(true);
    // The HTTP driver's own wording when its fetch fails, whatever the runtime said underneath.
    expect(isDatabaseUnavailable(new Error("Failed query: select 1", { cause: new Error("Error connecting to database: TypeError: internal error") }))).toBe(true);
  });

  it("does not count refusals or bugs", () => {
    for (const code of ["23505", "22P02", "42P01", "40001"]) expect(isDatabaseUnavailable(pgError(code, "connection limit"))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
