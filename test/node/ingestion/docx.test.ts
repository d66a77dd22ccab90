/**
 * DOCX through mammoth: tables become Markdown tables, Word headings become the heading
 * path, an empty document and a broken archive fail with the owner's reason.
 */
import { describe, expect, it } from "vitest";
import { parseDocx } from "../../../workers/ingestion/docx.ts";
import { ParseError } from "../../../workers/ingestion/types.ts";
import { readEvalDoc } from "./eval-docs.ts";

describe("parseDocx", () => {
  it("turns simple, nested and merged-cell tables into Markdown tables with escaped text decoded", async () => {
    const doc = await parseDocx(readEvalDoc("docx-tables.docx"));
    const text = doc.sections.map((s) => s.text).join("\n\n");
    expect(text).toContain(
      "Simple uniform table\n\n| Header Col 1 | Header Col 2 |\n| --- | --- |\n| Lorem ipsum | A link example |",
    );
    expect(text).toContain("| d | e f g&t h | i |");
    expect(text).toContain("| a | b |  |\n| --- | --- | --- |\n| a | c | d |");
    expect(doc.kind).toBe("docx");
  });

  it("gives the sections of a long handbook the path of their Word headings", async () => {
    const doc = await parseDocx(readEvalDoc("handbook-872p.docx"));
    const withHeadings = doc.sections.filter((s) => s.heading_path.length > 0);
    expect(withHeadings.length).toBeGreaterThan(100);
    const mileage = doc.sections.find((s) =>
      s.text.includes("Mileage reimbursement for use of a personal automobile"),
    );
    expect(mileage?.heading_path.length).toBeGreaterThan(0);
    expect(doc.chars).toBeGreaterThan(800_000);
  });

  it("reports a document whose only paragraph is empty as having no extractable text", async () => {
    const error = await parseDocx(readEvalDoc("empty.docx")).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({
      code: "NO_EXTRACTABLE_TEXT",
      message: "no extractable text: this Word document contains no text",
    });
  });

  it("reports a truncated archive as malformed", async () => {
    const truncated = readEvalDoc("docx-tables.docx").slice(0, 4000);
    const error = await parseDocx(truncated).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: "MALFORMED_DOCUMENT" });
    expect((error as ParseError).message).toMatch(/^this Word document is damaged/);
  });
});
