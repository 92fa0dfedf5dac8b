import { describe, expect, it } from "vitest";
import { cleanSummary, composeSummary } from "./summary";

const line = (text: string, intent: string, score = 0, label = "neutral") => ({ text, intent, sentiment: { score, label }, language: "es" });

describe("composeSummary", () => {
  it("leads with the first message that says why the customer wrote, not the greeting", () => {
    const s = composeSummary([line("Hola", "noise_low_intent"), line("No puedo entrar a mi cuenta", "account_access_issue", -0.3, "negative"), line("gracias", "noise_low_intent", 0.6, "positive")], { actions: [], resolved: true });
    expect(s.summary).toBe("account access issue: No puedo entrar a mi cuenta (+2 more messages)");
    expect(s.key_points).toEqual(["Hola", "No puedo entrar a mi cuenta", "gracias"]);
    // Mean of 0, -0.3 and 0.6: neutral, so a resolution is detected.
    expect(s).toMatchObject({ overall_sentiment: "neutral", resolution_detected: true, language: "es" });
  });

  it("takes a greeting as the lead only when nothing else was said, and prefixes no unknown intent", () => {
    const hello = composeSummary([line("Hola", "noise_low_intent")], { actions: [], resolved: true });
    expect(hello.summary).toBe("Hola");
    // Nothing was asked, so nothing was resolved.
    expect(hello.resolution_detected).toBe(false);
    expect(composeSummary([line("¿Y lo otro?", "unknown")], { actions: [], resolved: false }).summary).toBe("¿Y lo otro?");
    expect(composeSummary([], { actions: [], resolved: false }).summary).toBe("No message from the customer");
  });

  it("is angry when any message was, and then detects no resolution", () => {
    const s = composeSummary([line("Esto es una vergüenza", "unknown", -0.9, "angry"), line("ok", "noise_low_intent", 0.5, "positive")], { actions: ["Handed to a human"], resolved: true });
    expect(s).toMatchObject({ overall_sentiment: "angry", resolution_detected: false, action_items: ["Handed to a human"] });
  });

  it("reads messages the annotator never saw, and keeps the summary within the schema's limits", () => {
    const s = cleanSummary(composeSummary([{ text: `a\u0000b${"x".repeat(2000)}` }], { actions: [""], resolved: false, language: "Spanish" }));
    expect(s.summary.startsWith("abxxx")).toBe(true);
    expect(s.key_points![0]!.length).toBeLessThanOrEqual(300);
    expect(s.action_items).toEqual([]);
    expect(s.language).toBeUndefined();
    expect(s.overall_sentiment).toBeUndefined();
  });
});

describe("composeSummary's language", () => {
  it("takes the last language a message told when the turn's own is undetermined", () => {
    const s = composeSummary([{ text: "Where is my order?", language: "en" }, { text: "no", language: "und" }], { actions: [], resolved: false, language: "und" });
    expect(s.language).toBe("en");
    expect(composeSummary([{ text: "ok", language: "und" }], { actions: [], resolved: false, language: "und" }).language).toBe("und");
  });
});

describe("cleanSummary", () => {
  it("never leaves half an emoji or a blank field, and keeps line breaks", () => {
    const s = cleanSummary({ summary: `${"a".repeat(399)}😀 tail`.slice(0, 400), key_points: ["\u0007", "line one\nline two"], action_items: [] });
    expect(s.summary.isWellFormed()).toBe(true);
    expect(s.key_points).toEqual(["-", "line one\nline two"]);
  });
});
