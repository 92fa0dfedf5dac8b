import { describe, expect, it } from "vitest";
import { storableText } from "./storable";

describe("storableText", () => {
  it("cuts long text without leaving half a surrogate pair, and drops NUL and other controls but line breaks", () => {
    const cut = storableText(`${"a".repeat(4)}😀😀`, 6);
    expect(cut.isWellFormed()).toBe(true);
    expect(cut).toBe("aaaa\uFFFD…");
    expect(storableText("a\u0000b\u0007c\nd\te")).toBe("abc\nd\te");
    expect(storableText("lone \uD800 half")).toBe("lone \uFFFD half");
  });
});
