/**
 * Plain text: decoded with charset detection, double-encoded characters repaired, kept as
 * one section (the chunker finds its paragraphs and sentences).
 */
import { decodeText, repairMojibake } from "./decode.ts";
import { buildDocument, tooMuchText } from "./document.ts";
import { LIMITS } from "./limits.ts";
import { ParseError } from "./types.ts";
import type { DocumentKind, ParsedDocument } from "./types.ts";

/** Decoded text plus the notes worth telling the owner about its encoding. */
export function readText(
  bytes: Uint8Array,
  kind: DocumentKind,
): { text: string; warnings: string[] } {
  if (bytes.length === 0) return { text: "", warnings: [] };
  const decoded = decodeText(bytes);
  if (!decoded)
    throw new ParseError(
      "MALFORMED_DOCUMENT",
      `this ${kind === "text" ? "text" : kind.toUpperCase()} file is not readable text (binary content)`,
    );
  if (decoded.text.length > LIMITS.textChars) throw tooMuchText();
  const { text, repaired } = repairMojibake(decoded.text);
  const warnings = [decoded.note];
  if (repaired > 0)
    warnings.push(`Repaired ${repaired} characters that had been encoded twice (mojibake).`);
  return { text, warnings };
}

export async function parseText(bytes: Uint8Array): Promise<ParsedDocument> {
  const { text, warnings } = readText(bytes, "text");
  return buildDocument("text", [{ text, page: null, heading_path: [] }], {
    warnings,
    emptyMessage: bytes.length === 0 ? "no extractable text: the file is empty" : undefined,
  });
}
