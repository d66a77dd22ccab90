/**
 * Decides what an upload really is from its bytes. The file name and declared MIME type
 * only break ties between text formats (Markdown vs plain text, a lenient CSV) and name
 * the kind of an empty file; they never override the content, so a DOCX called ".pdf" is
 * a DOCX and a PDF called ".txt" is a PDF. Anything that is not one of the accepted kinds
 * (images, executables, archives other than DOCX, binary junk) is null: the API answers
 * 415 listing DOCUMENT_KINDS.
 */
import { decodeText } from "./decode.ts";
import { LIMITS } from "./limits.ts";
import type { DocumentKind } from "./types.ts";
import { walkZipDirectory } from "./zip.ts";

/** PDF readers accept the header anywhere in the first kilobyte (some files have junk before it). */
const PDF_MAGIC_WINDOW = 1024;
/** Characters of decoded text examined to recognise HTML and Markdown. */
const TEXT_SAMPLE_CHARS = 16_384;
/** Characters examined for CSV: enough for a few rows of a very wide table. */
const CSV_SAMPLE_CHARS = 65_536;

export function sniffKind(
  bytes: Uint8Array,
  filename?: string,
  declaredType?: string,
): DocumentKind | null {
  const hint = hintedKind(filename, declaredType);
  if (bytes.length === 0) return hint ?? "text";
  if (hasPdfMagic(bytes)) return "pdf";
  if (isZip(bytes)) return zipHasEntry(bytes, "word/document.xml") ? "docx" : null;
  if (hasBinaryMagic(bytes)) return null;

  const decoded = decodeText(bytes.length > 262_144 ? bytes.subarray(0, 262_144) : bytes);
  if (!decoded) return null;
  const sample = decoded.text.slice(0, TEXT_SAMPLE_CHARS);

  if (hasStrongHtmlMarkup(sample)) return "html";
  if (hint === "markdown") return "markdown";
  if (hint === "html" && /<[a-z][\w:-]*[\s>/]/i.test(sample)) return "html";
  if (hint === "csv" && csvDelimiter(decoded.text, true)) return "csv";
  if (hasWeakHtmlMarkup(sample)) return "html";
  if (csvDelimiter(decoded.text, false)) return "csv";
  if (looksLikeMarkdown(sample)) return "markdown";
  return "text";
}

/** The kind a name or MIME type suggests; used for ties and empty files only. */
function hintedKind(filename?: string, declaredType?: string): DocumentKind | null {
  const ext = /\.([a-z0-9]+)$/i.exec(filename ?? "")?.[1]?.toLowerCase();
  const mime = (declaredType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (ext === "pdf" || mime === "application/pdf") return "pdf";
  if (
    ext === "docx" ||
    mime === "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
  )
    return "docx";
  if (ext === "md" || ext === "markdown" || mime === "text/markdown" || mime === "text/x-markdown")
    return "markdown";
  if (
    ext === "html" ||
    ext === "htm" ||
    ext === "xhtml" ||
    mime === "text/html" ||
    mime === "application/xhtml+xml"
  )
    return "html";
  if (ext === "csv" || ext === "tsv" || mime === "text/csv" || mime === "text/tab-separated-values")
    return "csv";
  if (ext === "txt" || ext === "text" || mime === "text/plain") return "text";
  return null;
}

function hasPdfMagic(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, PDF_MAGIC_WINDOW) - 5;
  for (let i = 0; i <= end; i++) {
    if (
      bytes[i] === 0x25 &&
      bytes[i + 1] === 0x50 &&
      bytes[i + 2] === 0x44 &&
      bytes[i + 3] === 0x46 &&
      bytes[i + 4] === 0x2d
    )
      return true;
  }
  return false;
}

function isZip(bytes: Uint8Array): boolean {
  return (
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    (bytes[2] === 0x03 || bytes[2] === 0x05) &&
    (bytes[3] === 0x04 || bytes[3] === 0x06)
  );
}

/**
 * Whether a ZIP archive holds an entry of this name, among the first LIMITS.zipEntries of its
 * central directory (names are stored uncompressed there; nothing is inflated). An archive
 * with more entries is still named here and refused, with its count, by the parser.
 */
export function zipHasEntry(bytes: Uint8Array, name: string): boolean {
  return (
    walkZipDirectory(bytes, LIMITS.zipEntries)?.entries.some((entry) => entry.name === name) ??
    false
  );
}

/** Formats that decode as "text" often enough to need an explicit no: images, executables, archives, old Office, RTF. */
function hasBinaryMagic(bytes: Uint8Array): boolean {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  return (
    starts(0x89, 0x50, 0x4e, 0x47) || // PNG
    starts(0xff, 0xd8, 0xff) || // JPEG
    starts(0x47, 0x49, 0x46, 0x38) || // GIF
    starts(0x52, 0x49, 0x46, 0x46) || // RIFF (WebP, WAV, AVI)
    starts(0x7f, 0x45, 0x4c, 0x46) || // ELF
    starts(0x4d, 0x5a) || // Windows executable
    starts(0xd0, 0xcf, 0x11, 0xe0) || // OLE2 (.doc, .xls)
    starts(0x1f, 0x8b) || // gzip
    starts(0x42, 0x5a, 0x68) || // bzip2
    starts(0x37, 0x7a, 0xbc, 0xaf) || // 7z
    starts(0x7b, 0x5c, 0x72, 0x74, 0x66) // {\rtf
  );
}

/** A document-level tag near the start: doctype, html, head or body (after comments, XML prolog). */
function hasStrongHtmlMarkup(sample: string): boolean {
  return /<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]/i.test(sample.slice(0, 4096));
}

/** A fragment that starts with markup and closes at least two kinds of common HTML elements. */
function hasWeakHtmlMarkup(sample: string): boolean {
  if (!/^\s*</.test(sample)) return false;
  const closed = new Set<string>();
  for (const m of sample.matchAll(
    /<\/(p|div|span|a|h[1-6]|table|tr|td|ul|ol|li|section|article|title|strong|em|b|i)>/gi,
  )) {
    closed.add((m[1] ?? "").toLowerCase());
  }
  return closed.size >= 2;
}

/**
 * The delimiter of a CSV-looking sample: the same (quote-aware) number of delimiters on
 * nearly every line. Without a hint it needs at least three lines; with one, one line will do.
 */
export function csvDelimiter(text: string, hinted: boolean): string | null {
  const lines = text.slice(0, CSV_SAMPLE_CHARS).split(/\r?\n/);
  // The last line of a sample may be cut short.
  if (text.length > CSV_SAMPLE_CHARS && lines.length > 1) lines.pop();
  const nonEmpty = lines.filter((l) => l.trim() !== "");
  if (nonEmpty.length < (hinted ? 1 : 3)) return null;
  for (const delimiter of [",", "\t", ";", "|"]) {
    if (delimiter === "|" && !hinted) continue; // Markdown tables use pipes.
    const counts = nonEmpty.slice(0, 50).map((l) => countDelimiters(l, delimiter));
    const first = counts[0] ?? 0;
    if (first === 0) continue;
    const agreeing = counts.filter((c) => c === first).length;
    if (agreeing / counts.length >= (hinted ? 0.5 : 0.9)) return delimiter;
  }
  return null;
}

function countDelimiters(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) count++;
  }
  return count;
}

/** Clearly Markdown: at least two different kinds of Markdown syntax, or several headings. */
function looksLikeMarkdown(sample: string): boolean {
  const headings = sample.match(/^#{1,6}\s+\S/gm)?.length ?? 0;
  const markers = [
    headings > 0,
    /^```/m.test(sample),
    /^\s*[-*+]\s+\S/m.test(sample) && /^\s*[-*+]\s+\S.*\n\s*[-*+]\s+\S/m.test(sample),
    /\[[^\]\n]+\]\([^)\s]+\)/.test(sample),
    /^\s*\|.*\|\s*\n\s*\|[\s:|-]+\|\s*$/m.test(sample),
    /\*\*[^*\n]+\*\*/.test(sample),
  ].filter(Boolean).length;
  return markers >= 2 || headings >= 3;
}
