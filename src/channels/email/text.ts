/**
 * Mail bodies → text an agent reads and Postgres stores: readable text from HTML-only mail, earlier
 * replies split off so the inbox shows what is new, and every value made storable (Postgres text
 * refuses U+0000, and JSON with a lone surrogate escape fails to cast to jsonb).
 */
import { compile } from "html-to-text";

/**
 * Removes what Postgres cannot store or a screen cannot show: NUL and the other C0/C1 controls
 * (tab and newline kept), lone UTF-16 surrogates (→ U+FFFD); CRLF and CR become LF; at most `max`
 * UTF-16 units, never cutting a surrogate pair in half.
 */
export function toStorableText(value: string, max: number): string {
  let out = value
    .replace(/\r\n?/g, "\n")
    // Lone surrogates: a high one not followed by a low one, or a low one not preceded by a high one.
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, "");
  if (out.length > max) {
    let end = max;
    if (/[\uD800-\uDBFF]/.test(out[end - 1] ?? "")) end -= 1;
    out = out.slice(0, end);
  }
  return out;
}

/** One line (subjects, names, file names): storable, whitespace runs collapsed, trimmed. */
export function toStorableLine(value: string, max: number): string {
  return toStorableText(value.replace(/\s+/g, " ").trim(), max).trim();
}

/**
 * Readable text from an HTML body: paragraphs and lists kept, images reduced to their alt text,
 * links shown once with their target, styles and scripts dropped. No word wrap: the inbox wraps.
 */
export function htmlToReadableText(html: string): string {
  readable ??= compile({
    wordwrap: false,
    selectors: [
      { selector: "img", format: "skip" },
      { selector: "a", options: { hideLinkHrefIfSameAsText: true, noAnchorUrl: true } },
      { selector: "h1", options: { uppercase: false } },
      { selector: "h2", options: { uppercase: false } },
      { selector: "h3", options: { uppercase: false } },
      { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false } },
    ],
  });
  // &nbsp; is layout in HTML mail, not meaning; a plain space keeps the text searchable.
  return readable(html).replace(/\u00A0/g, " ");
}

// Compiled once per isolate: compiling the selectors costs more than converting a typical mail.
let readable: ((html: string) => string) | undefined;

// "On <date>, <name> wrote:" in the languages mail clients most often write it. Clients wrap long
// attribution lines, so the pattern is matched against a line and the one after it joined.
const ATTRIBUTION = [
  /^On\b.{1,400}\bwrote:\s*$/i,
  /^Le\b.{1,400}\ba écrit\s*:\s*$/i,
  /^Am\b.{1,400}\bschrieb.{0,200}:\s*$/i,
  /^El\b.{1,400}\bescribió\s*:\s*$/i,
  /^Em\b.{1,400}\bescreveu\s*:\s*$/i,
  /^Il\b.{1,400}\bha scritto\s*:\s*$/i,
  /^Op\b.{1,400}\bschreef.{0,200}:\s*$/i,
];
// Outlook and others quote by copying the original's headers under a separator.
const SEPARATOR = [/^-{2,}\s*Original Message\s*-{2,}\s*$/i, /^-{2,}\s*Forwarded message\s*-{2,}\s*$/i, /^_{10,}\s*$/];
const HEADER_BLOCK = /^\*?(From|De|Von|Van|Da):\*?\s.+/i;

/**
 * Splits a reply into what the sender wrote now and the earlier messages they quoted: everything from
 * the first attribution line ("On … wrote:") or original-message separator, and a trailing block of
 * `>` lines. Quotes interleaved with new text stay (they give the answers their context). When
 * nothing new is left, the whole text is kept as new: an empty message would hide what was sent.
 */
export function splitQuoted(text: string): { text: string; quoted?: string } {
  const lines = text.split("\n");
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const joined = `${line} ${(lines[i + 1] ?? "").trim()}`.trim();
    if (ATTRIBUTION.some((re) => re.test(line) || re.test(joined))) {
      cut = i;
      break;
    }
    if (SEPARATOR.some((re) => re.test(line)) && (/Original|Forwarded/i.test(line) || HEADER_BLOCK.test((lines[i + 1] ?? "").trim()))) {
      cut = i;
      break;
    }
  }
  // A trailing run of quoted (or blank) lines before the cut, as clients that quote without an
  // attribution line leave it.
  let start = cut;
  while (start > 0 && /^\s*(>.*)?$/.test(lines[start - 1]!)) start -= 1;
  if (!lines.slice(start, cut).some((l) => l.trim().startsWith(">"))) start = cut;

  const fresh = trimBlankLines(lines.slice(0, start).join("\n"));
  const quoted = trimBlankLines(lines.slice(start).join("\n"));
  if (!quoted || !fresh) return { text: trimBlankLines(text) };
  return { text: fresh, quoted };
}

/** Trailing spaces per line, runs of blank lines to one, blank lines at both ends removed. */
export function trimBlankLines(text: string): string {
  return text
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+|\n+$/g, "");
}
