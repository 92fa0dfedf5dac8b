// Plain-text tables for the benchmark's report: one column per simulated database latency, so the
// figures at 0 and 20 ms read side by side, and the aim for each row at the right.

export type Row = { section: string } | { label: string; values: string[]; aim?: string };

export const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");
export const statusList = (s: Record<number, number>) =>
  Object.entries(s)
    .map(([code, n]) => `${code === "0" ? "no answer" : code}×${n}`)
    .join(" ") || "none";

export function printTable(title: string, columns: string[], rows: Row[]) {
  const labelWidth = Math.max(...rows.map((r) => ("label" in r ? r.label.length + 5 : 0)), 24);
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => ("values" in r ? (r.values[i] ?? "").length : 0))) + 3);
  const line = (label: string, cells: string[], aim = "") =>
    (label.padEnd(labelWidth) + cells.map((c, i) => c.padEnd(widths[i]!)).join("") + aim).trimEnd();
  const out = [title, "", line("", columns, rows.some((r) => "aim" in r && r.aim) ? "aim" : "")];
  for (const r of rows) out.push("section" in r ? `\n${r.section}` : line(`  ${r.label}`, r.values, r.aim));
  console.log(`\n${out.join("\n")}\n`);
}
