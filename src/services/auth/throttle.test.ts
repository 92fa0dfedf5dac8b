import { describe, expect, it } from "vitest";
import { ACCOUNT_FAILURES_BEFORE_SLOWING, accountSlowdownMs } from "./throttle";

describe("slowing an account that many sources guess at", () => {
  it("answers at full speed up to the threshold, then doubles the wait up to a ceiling, never refusing", () => {
    expect(accountSlowdownMs(0)).toBe(0);
    expect(accountSlowdownMs(ACCOUNT_FAILURES_BEFORE_SLOWING)).toBe(0);
    expect(accountSlowdownMs(ACCOUNT_FAILURES_BEFORE_SLOWING + 1)).toBe(250);
    expect(accountSlowdownMs(ACCOUNT_FAILURES_BEFORE_SLOWING + 2)).toBe(500);
    expect(accountSlowdownMs(ACCOUNT_FAILURES_BEFORE_SLOWING + 5)).toBe(4000);
    expect(accountSlowdownMs(10_000)).toBe(5000);
  });
});
