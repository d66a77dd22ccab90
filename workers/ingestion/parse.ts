/**
 * One entry for every accepted kind: bytes in, ParsedDocument out, or a ParseError whose
 * message is shown to the owner. The kind comes from sniffKind (content, not file name).
 */
import { parseCsv } from "./csv.ts";
import { parseDocx } from "./docx.ts";
import { parseHtml } from "./html.ts";
import { parseMarkdown } from "./markdown.ts";
import { parsePdf } from "./pdf.ts";
import { parseText } from "./text.ts";
import type { DocumentKind, ParsedDocument } from "./types.ts";

const PARSERS: Record<DocumentKind, (bytes: Uint8Array) => Promise<ParsedDocument>> = {
  pdf: parsePdf,
  docx: parseDocx,
  html: parseHtml,
  markdown: parseMarkdown,
  text: parseText,
  csv: parseCsv,
};

export function parseDocument(bytes: Uint8Array, kind: DocumentKind): Promise<ParsedDocument> {
  return PARSERS[kind](bytes);
}
