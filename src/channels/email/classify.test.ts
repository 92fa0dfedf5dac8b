import { describe, expect, it } from "vitest";
import { classifyAutomated } from "./classify";

const person = { from: "Ann Lee <ann@example.com>", to: "help@acme.com", subject: "Question", "content-type": "text/plain" };
const lines = (record: Record<string, string>) => Object.entries(record).map(([key, value]) => ({ key, value }));

describe("classifyAutomated", () => {
  it("leaves mail a person wrote alone", () => {
    expect(classifyAutomated(lines(person))).toBeUndefined();
    expect(classifyAutomated(person)).toBeUndefined();
  });

  it("treats Auto-Submitted: no as mail a person wrote (RFC 3834 §5)", () => {
    expect(classifyAutomated({ ...person, "auto-submitted": "no" })).toBeUndefined();
    expect(classifyAutomated({ ...person, "Auto-Submitted": "No (sent by hand)" })).toBeUndefined();
  });

  it.each([
    ["auto-replied", "auto-reply"],
    ["Auto-Replied (vacation)", "auto-reply"],
    ["auto-generated", "auto-generated"],
    ["auto-notified", "auto-generated"],
    ["some-future-keyword", "auto-generated"],
  ])("marks Auto-Submitted: %s as %s", (value, reason) => {
    expect(classifyAutomated(lines({ ...person, "auto-submitted": value }))).toBe(reason);
  });

  it.each([
    [{ "x-autoreply": "yes" }, "auto-reply"],
    [{ "X-Autorespond": "Out of office" }, "auto-reply"],
    [{ "x-autoresponder": "1" }, "auto-reply"],
    [{ precedence: "auto_reply" }, "auto-reply"],
    [{ precedence: "bulk" }, "bulk"],
    [{ Precedence: "Junk" }, "bulk"],
    [{ precedence: "list" }, "mailing-list"],
    [{ "list-id": "Product news <news.acme.example>" }, "mailing-list"],
    [{ "list-unsubscribe": "<mailto:unsubscribe@news.example>" }, "mailing-list"],
  ])("marks %o as %s", (extra, reason) => {
    expect(classifyAutomated({ ...person, ...extra })).toBe(reason);
  });

  it("marks mail with a null reverse-path as automatic", () => {
    expect(classifyAutomated({ ...person, "return-path": "<>" })).toBe("auto-generated");
    expect(classifyAutomated({ ...person, "return-path": "<ann@example.com>" })).toBeUndefined();
  });

  it("does not treat X-Autoreply: no as an auto-reply", () => {
    expect(classifyAutomated({ ...person, "x-autoreply": "no" })).toBeUndefined();
  });

  it("marks delivery-status reports as bounces even when they also say auto-replied", () => {
    const report = { ...person, "content-type": 'multipart/report; report-type="delivery-status"; boundary="b1"', "auto-submitted": "auto-replied" };
    expect(classifyAutomated(report)).toBe("bounce");
    expect(classifyAutomated({ ...person, "content-type": "Multipart/Report; Report-Type=delivery-status; boundary=x" })).toBe("bounce");
  });

  it("marks read receipts (disposition-notification reports) as automatic but not as bounces", () => {
    expect(classifyAutomated({ ...person, "content-type": "multipart/report; report-type=disposition-notification; boundary=x" })).toBe("auto-generated");
  });

  it.each(["MAILER-DAEMON@mx.example.net", "Mail Delivery System <mailer-daemon@mx.example.net>", "postmaster@example.org"])("marks mail from %s as a bounce", (from) => {
    expect(classifyAutomated({ ...person, from })).toBe("bounce");
  });

  it("marks mail naming failed recipients as a bounce", () => {
    expect(classifyAutomated({ ...person, "x-failed-recipients": "nobody@example.net" })).toBe("bounce");
  });

  it("reads the first occurrence of a repeated header, the outermost one", () => {
    expect(classifyAutomated([...lines(person), { key: "auto-submitted", value: "no" }, { key: "auto-submitted", value: "auto-replied" }])).toBeUndefined();
  });

  it("does not mistake a person whose name mentions the postmaster for a bounce", () => {
    expect(classifyAutomated({ ...person, from: '"Ask the postmaster" <ann@example.com>' })).toBeUndefined();
  });
});
