import { convert, type FormatCallback } from "html-to-text";
import type { KnowledgeFormat } from "../db/schema/knowledge";

/** A document that cannot become text: the document fails with this reason, nothing else changes. */
export class ExtractionError extends Error {
  override name = "ExtractionError";
}

/**
 * html-to-text writes headings as plain (upper-cased) lines; the chunker needs to know where sections
 * start, so headings come out as Markdown `#` lines instead.
 */
const markdownHeading: FormatCallback = (elem, walk, builder, options) => {
  const level = Number((options as { level?: number }).level ?? 2);
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addLiteral(`${"#".repeat(level)} `);
  walk(elem.children, builder);
  builder.closeBlock({ trailingLineBreaks: 2 });
};

export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    formatters: { markdownHeading },
    selectors: [
      ...[1, 2, 3, 4, 5, 6].map((level) => ({ selector: `h${level}`, format: "markdownHeading", options: { level } })),
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      { selector: "nav", format: "skip" },
      { selector: "script", format: "skip" },
      { selector: "style", format: "skip" },
      { selector: "table", format: "dataTable" },
    ],
  });
}

/** PDF text, page by page, with unpdf (pdf.js built for serverless runtimes; no native code, no workers). */
export async function pdfToText(bytes: Uint8Array): Promise<string> {
  const { extractText, getDocumentProxy } = await import("unpdf");
  let pages: string[];
  try {
    // pdf.js takes ownership of the buffer it is given: hand it a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    pages = (await extractText(pdf, { mergePages: false })).text as string[];
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/\s+/g, " ").slice(0, 160) : "unreadable";
    throw new ExtractionError(`The PDF could not be read (${why})`);
  }
  return pages.map((p) => p.replace(/[ \t]+\n/g, "\n").trim()).filter(Boolean).join("\n\n");
}

/** Text the chunker can read: Markdown-like (headings as `#` lines, paragraphs split by blank lines). */
export async function extractText(format: KnowledgeFormat, input: { text?: string | null; bytes?: Uint8Array | null }): Promise<string> {
  let text: string;
  if (format === "pdf") {
    if (!input.bytes) throw new ExtractionError("The PDF file is missing");
    text = await pdfToText(input.bytes);
  } else if (format === "html") {
    text = htmlToText(input.text ?? "");
  } else {
    text = input.text ?? "";
  }
  // NUL and other control characters Postgres text cannot hold (or that only break words) go.
  text = text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, " ");
  if (!/\p{L}|\p{N}/u.test(text)) throw new ExtractionError(format === "pdf" ? "The PDF has no extractable text (scanned images need OCR first)" : "The document has no text");
  return text;
}
