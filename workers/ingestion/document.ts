/**
 * The last step of every parser: clean the sections' text, drop empty ones, count
 * characters and refuse a document with nothing to index.
 */
import { LIMITS, count } from "./limits.ts";
import { ParseError } from "./types.ts";
import type { DocumentKind, ParsedDocument, ParsedSection } from "./types.ts";

export const NO_TEXT_MESSAGE = "no extractable text: the file contains no text to index";

export function buildDocument(
  kind: DocumentKind,
  sections: ParsedSection[],
  extra: { pages?: number | null; warnings?: string[]; emptyMessage?: string } = {},
): ParsedDocument {
  const cleaned: ParsedSection[] = [];
  for (const section of sections) {
    const text = cleanText(section.text);
    if (text !== "") cleaned.push({ ...section, text });
  }
  const chars = cleaned.reduce((sum, s) => sum + s.text.length, 0);
  if (chars > LIMITS.textChars) throw tooMuchText();
  if (chars === 0)
    throw new ParseError("NO_EXTRACTABLE_TEXT", extra.emptyMessage ?? NO_TEXT_MESSAGE);
  return {
    kind,
    sections: cleaned,
    pages: extra.pages ?? null,
    chars,
    warnings: extra.warnings ?? [],
  };
}

/**
 * Normalises line endings, removes control characters (NUL and friends leak out of PDFs),
 * trims trailing spaces and keeps at most one blank line in a row.
 */
export function cleanText(text: string): string {
  const lines = text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f\ufeff]/g, "")
    .replace(/\f/g, "\n\n")
    .split("\n");
  return lines
    .map(withoutTrailingBlanks)
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * `line` without trailing spaces and tabs, in one pass from the end. Not a regex: `/[ \t]+\n/`
 * or `/[ \t]+$/` retry from every space of a run that is not at the end of its line, which is
 * quadratic in the run (a Markdown list nested 3,000 deep took 38 s; one run of a million
 * spaces would never finish).
 */
function withoutTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 32 && c !== 9) break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}

/** A heading's text as kept in the heading path: cut to LIMITS.headingChars (the section keeps the whole heading). */
export function headingPathText(text: string): string {
  return text.length > LIMITS.headingChars
    ? `${text.slice(0, LIMITS.headingChars - 1).trimEnd()}…`
    : text;
}

/** The owner's reason when a document's text passes LIMITS.textChars. */
export function tooMuchText(): ParseError {
  return new ParseError(
    "DOCUMENT_TOO_LARGE",
    `this document has more than ${count(LIMITS.textChars)} characters of text, more than can be indexed at once; split it into smaller documents`,
  );
}
