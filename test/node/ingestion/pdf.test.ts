/**
 * PDFs keep their page numbers, say which pages had no text, open when encrypted with an
 * empty user password, and fail with the owner's reason otherwise: a password, no text
 * layer, no text at all, damage.
 */
import { describe, expect, it } from "vitest";
import { parsePdf } from "../../../workers/ingestion/pdf.ts";
import { ParseError } from "../../../workers/ingestion/types.ts";
import { readEvalDoc } from "./eval-docs.ts";
import { tinyPdf } from "./tiny-pdf.ts";

async function parseError(bytes: Uint8Array): Promise<ParseError> {
  const error = await parsePdf(bytes).then(
    () => null,
    (err: unknown) => err,
  );
  if (!(error instanceof ParseError))
    throw new Error(`expected a ParseError, got ${String(error)}`);
  return error;
}

describe("parsePdf", () => {
  it("makes one section per page with its 1-based page number", async () => {
    const doc = await parsePdf(readEvalDoc("WARN-Report-for-7-1-2015-to-03-25-2016.pdf"));
    expect(doc.pages).toBe(16);
    expect(doc.sections.map((s) => s.page)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(doc.sections[15]?.text).toContain("53,454");
  });

  it("joins the lines of a paragraph and rejoins words hyphenated across lines", async () => {
    const doc = await parsePdf(
      tinyPdf([
        ["Recent advances in document im-", "age analysis have been driven", "by neural networks."],
      ]),
    );
    expect(doc.sections[0]?.text).toBe(
      "Recent advances in document image analysis have been driven by neural networks.",
    );
  });

  it("names the pages that have no text layer in a warning", async () => {
    const doc = await parsePdf(tinyPdf([["First page."], null, null, ["Fourth page."]]));
    expect(doc.sections.map((s) => [s.page, s.text])).toEqual([
      [1, "First page."],
      [4, "Fourth page."],
    ]);
    expect(doc.warnings).toEqual([
      "2 of 4 pages have no text layer (scanned or blank; OCR is not available): 2-3.",
    ]);
  });

  it("opens a PDF encrypted with an empty user password", async () => {
    const doc = await parsePdf(readEvalDoc("copy-protected.pdf"));
    expect(doc.sections.map((s) => s.text).join(" ")).toContain("LayoutParser: A Unified Toolkit");
  });

  it("asks for an unprotected copy of a password-protected PDF", async () => {
    const error = await parseError(readEvalDoc("password.pdf"));
    expect(error.code).toBe("ENCRYPTED_DOCUMENT");
    expect(error.message).toMatch(/password-protected/);
  });

  it("tells a scanned PDF from a blank one", async () => {
    expect((await parseError(readEvalDoc("loremipsum-flat.pdf"))).code).toBe("IMAGE_ONLY_PDF");
    const blank = await parseError(tinyPdf([null, null]));
    expect(blank.code).toBe("NO_EXTRACTABLE_TEXT");
    expect(blank.message).toMatch(/^no extractable text/);
  });

  it("reports a damaged or empty file as malformed", async () => {
    expect(
      (await parseError(new TextEncoder().encode("%PDF-1.4\nthis is not really a PDF\n"))).code,
    ).toBe("MALFORMED_DOCUMENT");
    expect((await parseError(new Uint8Array(0))).message).toBe(
      "this PDF is empty (0 bytes) and cannot be read",
    );
  });

  it("leaves the caller's bytes intact", async () => {
    const bytes = tinyPdf([["Keep me."]]);
    const copy = bytes.slice();
    await parsePdf(bytes);
    expect(bytes).toEqual(copy);
  });
});
