/**
 * PDF through unpdf (pdf.js built for serverless runtimes): one section per page so chunks
 * keep their page number. Lines come from pdf.js's end-of-line marks; lines are joined into
 * paragraphs unless the next one jumps up (a new column) or leaves a wide gap, and words
 * hyphenated across a line break are rejoined.
 *
 * Files that cannot be indexed fail with a reason for the owner: a password (an empty user
 * password opens by itself), no text layer at all (scanned images: no OCR here), damage.
 */
import { getDocumentProxy, getResolvedPDFJS } from "unpdf";
import { buildDocument, tooMuchText } from "./document.ts";
import { LIMITS, count } from "./limits.ts";
import { ParseError } from "./types.ts";
import type { ParsedDocument, ParsedSection } from "./types.ts";

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type PdfPage = Awaited<ReturnType<PdfDocument["getPage"]>>;

/** What this module needs of a pdf.js text item. */
interface TextRun {
  str: string;
  transform: number[];
  height: number;
  hasEOL: boolean;
}

interface Line {
  text: string;
  x: number;
  y: number;
  height: number;
}

export async function parsePdf(bytes: Uint8Array): Promise<ParsedDocument> {
  if (bytes.length === 0)
    throw new ParseError("MALFORMED_DOCUMENT", "this PDF is empty (0 bytes) and cannot be read");
  const pdf = await openPdf(bytes);
  try {
    if (pdf.numPages > LIMITS.pdfPages) {
      throw new ParseError(
        "DOCUMENT_TOO_LARGE",
        `this PDF has ${count(pdf.numPages)} pages, more than the ${count(LIMITS.pdfPages)} that can be read at once; split it into smaller documents`,
      );
    }
    let chars = 0;
    const sections: ParsedSection[] = [];
    const emptyPages: number[] = [];
    const failedPages: number[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      try {
        const text = await pageText(await pdf.getPage(n));
        chars += text.length;
        if (text === "") emptyPages.push(n);
        else sections.push({ text, page: n, heading_path: [] });
      } catch (err) {
        // A page that pdf.js cannot read is noted; running out of memory or stack is not damage.
        if (err instanceof RangeError)
          throw new ParseError(
            "DOCUMENT_TOO_LARGE",
            `page ${n} of this PDF is too complex to be read safely`,
          );
        failedPages.push(n);
      }
      if (chars > LIMITS.textChars) throw tooMuchText();
    }
    const warnings: string[] = [];
    if (sections.length === 0) {
      if (failedPages.length === pdf.numPages)
        throw new ParseError(
          "MALFORMED_DOCUMENT",
          "this PDF is damaged: none of its pages could be read",
        );
      if (await hasImages(pdf))
        throw new ParseError(
          "IMAGE_ONLY_PDF",
          "this PDF has no text layer (scanned images); OCR is not available",
        );
      throw new ParseError(
        "NO_EXTRACTABLE_TEXT",
        "no extractable text: this PDF has no text on any page",
      );
    }
    if (emptyPages.length > 0)
      warnings.push(
        `${emptyPages.length} of ${pdf.numPages} pages have no text layer (scanned or blank; OCR is not available): ${pageList(emptyPages)}.`,
      );
    if (failedPages.length > 0)
      warnings.push(
        `${failedPages.length} pages could not be read (damaged): ${pageList(failedPages)}.`,
      );
    return buildDocument("pdf", sections, { pages: pdf.numPages, warnings });
  } finally {
    await pdf.destroy();
  }
}

async function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  try {
    // pdf.js may take ownership of (detach) the buffer it is given: hand it a copy.
    return await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    if (name === "PasswordException") {
      throw new ParseError(
        "ENCRYPTED_DOCUMENT",
        "this PDF is password-protected; remove the password (or upload an unprotected copy) and try again",
      );
    }
    // pdf.js's own message ("Invalid PDF structure", xref offsets) means nothing to the owner.
    throw new ParseError(
      "MALFORMED_DOCUMENT",
      "this PDF is damaged or not a PDF and cannot be read; open it in a PDF reader and save or print it to a new PDF",
    );
  }
}

async function pageText(page: PdfPage): Promise<string> {
  const content = await page.getTextContent();
  const runs = content.items.filter((item): item is TextRun & typeof item => "str" in item);
  page.cleanup();
  return paragraphs(lines(runs));
}

/** Runs up to each end-of-line mark make a line, placed by its first visible run. */
function lines(runs: TextRun[]): Line[] {
  const result: Line[] = [];
  let text = "";
  let anchor: TextRun | null = null;
  let height = 0;
  for (const run of runs) {
    text += run.str;
    if (!anchor && run.str.trim() !== "") anchor = run;
    height = Math.max(height, run.height);
    if (run.hasEOL) {
      pushLine();
    }
  }
  pushLine();
  return result;

  function pushLine(): void {
    const trimmed = text.replace(/\s+/g, " ").trim();
    if (trimmed !== "" && anchor)
      result.push({
        text: trimmed,
        x: anchor.transform[4] ?? 0,
        y: anchor.transform[5] ?? 0,
        height: height || 10,
      });
    text = "";
    anchor = null;
    height = 0;
  }
}

/** Lines joined into paragraphs; a break where the text jumps up or leaves a gap of about two lines. */
function paragraphs(all: Line[]): string {
  const out: string[] = [];
  let current = "";
  let previous: Line | null = null;
  for (const line of all) {
    const gap = previous ? previous.y - line.y : 0;
    const lineHeight = Math.max(previous?.height ?? 0, line.height);
    const newParagraph = previous === null || gap < -lineHeight * 0.5 || gap > lineHeight * 1.9;
    if (newParagraph) {
      if (current !== "") out.push(current);
      current = line.text;
    } else if (/\p{L}-$/u.test(current) && /^\p{Ll}/u.test(line.text)) {
      current = current.slice(0, -1) + line.text;
    } else {
      current += ` ${line.text}`;
    }
    previous = line;
  }
  if (current !== "") out.push(current);
  return out.join("\n\n");
}

/** Whether any page paints an image: tells a scanned PDF from a blank one. */
async function hasImages(pdf: PdfDocument): Promise<boolean> {
  const { OPS } = await getResolvedPDFJS();
  const imageOps = new Set<number>([
    OPS.paintImageXObject,
    OPS.paintInlineImageXObject,
    OPS.paintImageMaskXObject,
    OPS.paintImageXObjectRepeat,
  ]);
  for (let n = 1; n <= pdf.numPages; n++) {
    const ops = await (await pdf.getPage(n)).getOperatorList();
    if (ops.fnArray.some((fn) => imageOps.has(fn))) return true;
  }
  return false;
}

/** "3, 7-13" for [3, 7, 8, ..., 13]. */
function pageList(pages: number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < pages.length; i++) {
    const start = pages[i] ?? 0;
    let end = start;
    while (pages[i + 1] === end + 1) {
      end += 1;
      i += 1;
    }
    ranges.push(start === end ? `${start}` : `${start}-${end}`);
  }
  return ranges.join(", ");
}
