// `npm run eval:understand` (node test/eval/understand.ts): the offline annotator on the labelled set in
// test/eval/understand.jsonl, per language: language-ID accuracy (all texts and texts of 20+ characters),
// intent macro-F1, sentiment accuracy, priority agreement, P0/P1 recall, and microseconds per message.
// Not a test: it only reports, and exits 0 whatever the figures.
//
//   --corrections <file.jsonl>   agents' corrections exported from the inbox, one labelled case a line, with the
//                                same fields as the set ({text, language?, intent?, sentiment?, priority?});
//                                may be given more than once. Missing fields are left out of that metric.
//   --errors                     print every case the annotator got wrong
//   --set <file.jsonl>           another labelled set instead of the committed ones
//
// Four committed sets, reported apart: understand.jsonl (324 cases; the rules were corrected once against its
// errors, so its figures are optimistic), understand-holdout.jsonl (108 cases written after that; measured, then
// the rules were corrected against its errors too), understand-blind.jsonl (54 cases written last and never
// tuned on until the second blind set existed; then its errors were read as categories and corrected, so it is
// now optimistic too) and blind2.jsonl (72 cases written before reading the first blind set's errors and never
// tuned on: the honest figure; keep it that way, and add a new blind set before tuning on this one).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { understandOffline } from "../../src/understanding/offline/annotator.ts";
import type { Annotations } from "../../src/understanding/port.ts";

const { values: args } = parseArgs({
  options: {
    corrections: { type: "string", multiple: true, default: [] },
    errors: { type: "boolean", default: false },
    set: { type: "string", multiple: true, default: [] },
  },
});

interface Case {
  text: string;
  language?: string;
  intent?: string;
  sentiment?: string;
  priority?: string;
  origin: string;
}

function load(file: string, origin: string): Case[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line)
    .map(([line, n]) => {
      const r = JSON.parse(line) as Record<string, unknown>;
      if (typeof r.text !== "string" || !r.text) throw new Error(`${file}:${n}: a case needs a text`);
      // Exported corrections may carry the annotation shape ({sentiment: {label}}) rather than the set's.
      const sentiment = typeof r.sentiment === "object" && r.sentiment ? (r.sentiment as { label?: string }).label : (r.sentiment as string | undefined);
      return { text: r.text, language: r.language as string | undefined, intent: r.intent as string | undefined, sentiment, priority: r.priority as string | undefined, origin };
    });
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url).href);
const sets = args.set.length
  ? args.set.map((f) => [f, "set"] as const)
  : ([[here("./understand.jsonl"), "set"], [here("./understand-holdout.jsonl"), "holdout"], [here("./understand-blind.jsonl"), "blind"], [here("./blind2.jsonl"), "blind2"]] as const);
const cases = [...sets.flatMap(([f, origin]) => load(f, origin)), ...args.corrections.flatMap((f) => load(f, "correction"))];

// The first call loads eld's database and the first sentiment dictionaries; time it apart from the rest.
const coldStart = performance.now();
await understandOffline("warm up the language data");
const coldMs = performance.now() - coldStart;
for (const lang of ["en", "es", "pt", "fr", "de", "it", "nl", "tr", "pl"]) await understandOffline("ok", { languageHint: lang });

type Result = { c: Case; a: Annotations };
let results: Result[] = [];
// Three passes over the whole set; the figure is the last one (the engine is warm, as in a busy isolate).
let usPerMessage = 0;
let firstPassUs = 0;
for (let pass = 0; pass < 3; pass++) {
  const started = performance.now();
  const out: Result[] = [];
  for (const c of cases) out.push({ c, a: await understandOffline(c.text) });
  usPerMessage = ((performance.now() - started) * 1000) / cases.length;
  if (pass === 0) firstPassUs = usPerMessage;
  results = out;
}
const pct = (num: number, den: number) => (den ? `${((100 * num) / den).toFixed(1)}%` : "–");

function macroF1(rs: Result[]): string {
  const labelled = rs.filter((r) => r.c.intent);
  if (!labelled.length) return "–";
  const classes = new Set(labelled.map((r) => r.c.intent!));
  let sum = 0;
  for (const k of classes) {
    const tp = labelled.filter((r) => r.c.intent === k && r.a.intent === k).length;
    const fp = labelled.filter((r) => r.c.intent !== k && r.a.intent === k).length;
    const fn = labelled.filter((r) => r.c.intent === k && r.a.intent !== k).length;
    const p = tp + fp ? tp / (tp + fp) : 0;
    const rc = tp + fn ? tp / (tp + fn) : 0;
    sum += p + rc ? (2 * p * rc) / (p + rc) : 0;
  }
  return (sum / classes.size).toFixed(3);
}

function row(name: string, rs: Result[]) {
  const lang = rs.filter((r) => r.c.language);
  const lang20 = lang.filter((r) => r.c.text.length >= 20);
  const sent = rs.filter((r) => r.c.sentiment);
  const prio = rs.filter((r) => r.c.priority);
  const urgent = prio.filter((r) => r.c.priority === "P0" || r.c.priority === "P1");
  const p0 = prio.filter((r) => r.c.priority === "P0");
  return {
    set: name,
    n: rs.length,
    "lang all": pct(lang.filter((r) => r.a.language === r.c.language).length, lang.length),
    "lang ≥20": pct(lang20.filter((r) => r.a.language === r.c.language).length, lang20.length),
    "intent F1": macroF1(rs),
    sentiment: pct(sent.filter((r) => r.a.sentiment.label === r.c.sentiment).length, sent.length),
    priority: pct(prio.filter((r) => r.a.priority === r.c.priority).length, prio.length),
    "P0/P1 recall": pct(urgent.filter((r) => r.a.priority === "P0" || r.a.priority === "P1").length, urgent.length),
    "P0 recall": pct(p0.filter((r) => r.a.priority === "P0").length, p0.length),
  };
}

const origins = [...new Set(cases.map((c) => c.origin))];
console.log(`Offline annotator on ${cases.length} cases (${origins.map((o) => `${cases.filter((c) => c.origin === o).length} ${o}`).join(", ")})`);
for (const origin of origins) {
  const rs = results.filter((r) => r.c.origin === origin);
  const languages = [...new Set(rs.map((r) => r.c.language ?? "?"))];
  console.log(`\n${origin}`);
  console.table([...languages.map((l) => row(l, rs.filter((r) => (r.c.language ?? "?") === l))), row("all", rs)]);
}
if (origins.length > 1) console.table([row("everything", results)]);

const labels = ["positive", "neutral", "negative", "angry"];
const confusion = labels.map((gold) => ({ gold, ...Object.fromEntries(labels.map((p) => [p, results.filter((r) => r.c.sentiment === gold && r.a.sentiment.label === p).length])) }));
console.log("Sentiment (rows: label, columns: annotator)");
console.table(confusion);
console.log(
  `Speed: ${usPerMessage.toFixed(0)} µs per message warm (first pass ${firstPassUs.toFixed(0)} µs); the first message of a process took ${coldMs.toFixed(0)} ms (loading language data).`,
);

if (args.errors) {
  for (const { c, a } of results) {
    const wrong = [
      c.language && a.language !== c.language ? `language ${a.language}≠${c.language}` : "",
      c.intent && a.intent !== c.intent ? `intent ${a.intent}≠${c.intent}` : "",
      c.sentiment && a.sentiment.label !== c.sentiment ? `sentiment ${a.sentiment.label}≠${c.sentiment}` : "",
      c.priority && a.priority !== c.priority ? `priority ${a.priority}≠${c.priority}` : "",
    ].filter(Boolean);
    if (wrong.length) console.log(`[${c.origin}] ${JSON.stringify(c.text)}: ${wrong.join(", ")}`);
  }
}
