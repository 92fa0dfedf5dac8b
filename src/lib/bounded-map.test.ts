import { describe, expect, it } from "vitest";
import { setBounded } from "./bounded-map";

describe("setBounded", () => {
  it("drops the entry inserted first once a new key would pass the bound", () => {
    const m = new Map<string, number>();
    for (const [i, k] of ["a", "b", "c"].entries()) setBounded(m, k, i, 2);
    expect([...m]).toEqual([["b", 1], ["c", 2]]);
  });

  it("replaces a key it holds without dropping another", () => {
    const m = new Map([["a", 1], ["b", 2]]);
    setBounded(m, "a", 3, 2);
    expect([...m]).toEqual([["a", 3], ["b", 2]]);
  });
});
