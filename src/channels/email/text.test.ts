import { describe, expect, it } from "vitest";
import { htmlToReadableText, splitQuoted, toStorableLine, toStorableText } from "./text";

describe("toStorableText", () => {
  it("removes NUL and other control characters but keeps tabs and newlines", () => {
    expect(toStorableText("a\u0000b\u0007c\td\ne\u001Bf\u007Fg\u0085h", 100)).toBe("abc\td\nefgh");
  });

  it("replaces lone surrogates and keeps valid pairs", () => {
    expect(toStorableText("x\uD800y\uDC00z😀", 100)).toBe("x\uFFFDy\uFFFDz😀");
    expect(toStorableText("\uDBFF", 100)).toBe("\uFFFD");
  });

  it("turns CRLF and lone CR into LF", () => {
    expect(toStorableText("a\r\nb\rc", 100)).toBe("a\nb\nc");
  });

  it("cuts at the limit without splitting a surrogate pair", () => {
    expect(toStorableText("ab😀", 3)).toBe("ab");
    expect(toStorableText("abc😀", 3)).toBe("abc");
  });

  it("collapses a line's whitespace for subjects and names", () => {
    expect(toStorableLine("  Re:\t Order\n  123 ", 100)).toBe("Re: Order 123");
  });
});

describe("splitQuoted", () => {
  it("leaves a mail without quotes whole", () => {
    expect(splitQuoted("Hello,\n\nwhere is my order?\n")).toEqual({ text: "Hello,\n\nwhere is my order?" });
  });

  it("splits at an attribution line in another language", () => {
    expect(splitQuoted("Danke!\n\nAm 30.11.2026 um 16:10 schrieb Acme Support <help@acme.com>:\n> Hallo")).toEqual({
      text: "Danke!",
      quoted: "Am 30.11.2026 um 16:10 schrieb Acme Support <help@acme.com>:\n> Hallo",
    });
    expect(splitQuoted("Merci\n\nLe lun. 30 nov. 2026 à 16:10, Acme <help@acme.com> a écrit :\n> Bonjour").text).toBe("Merci");
  });

  it("splits off a trailing block of > lines that has no attribution", () => {
    expect(splitQuoted("Yes, please.\n\n> Shall we refund you?\n> Acme")).toEqual({ text: "Yes, please.", quoted: "> Shall we refund you?\n> Acme" });
  });

  it("keeps quotes interleaved with new text, where they give the answers context", () => {
    const text = "> Which size?\nMedium.\n> Which colour?\nBlue.";
    expect(splitQuoted(text)).toEqual({ text });
  });

  it("keeps everything as new text when the mail is nothing but a quote", () => {
    const text = "On Mon, Nov 30, 2026 Ann wrote:\n> hello";
    expect(splitQuoted(text)).toEqual({ text });
  });

  it("splits at Outlook's original-message separator", () => {
    expect(splitQuoted("Fine by me.\n\n-----Original Message-----\nFrom: Acme\nSent: Monday\n\nHi")).toEqual({
      text: "Fine by me.",
      quoted: "-----Original Message-----\nFrom: Acme\nSent: Monday\n\nHi",
    });
  });

  it("does not split at an underscore line that is only decoration", () => {
    const text = "Totals\n__________\n12 items";
    expect(splitQuoted(text)).toEqual({ text });
  });
});

describe("htmlToReadableText", () => {
  it("keeps paragraphs, lists, link targets and table cells, and drops images", () => {
    const html = '<h1>Order</h1><p>See <a href="https://x.example/o/1">your order</a>.</p><img src="cid:logo" alt="Logo"><table><tr><th>Item</th><th>Qty</th></tr><tr><td>Lamp</td><td>1</td></tr></table>';
    const text = htmlToReadableText(html);
    expect(text).toContain("Order\n\nSee your order [https://x.example/o/1].");
    expect(text).toMatch(/Item\s+Qty\nLamp\s+1/);
    expect(text).not.toContain("cid:logo");
  });
});
