/**
 * The parsers run where they will run in production: inside workerd. unpdf (pdf.js),
 * mammoth (JSZip), htmlparser2, papaparse and legacy TextDecoder labels all have to work
 * without Node's file system or native modules.
 */
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../../../workers/ingestion/chunk.ts";
import { parseDocument } from "../../../workers/ingestion/parse.ts";
import { sniffKind } from "../../../workers/ingestion/sniff.ts";
import { DOCX_TABLES_BASE64, PDF_MEMO_BASE64, fromBase64 } from "./fixtures.ts";

const allText = (doc: { sections: { text: string }[] }) =>
  doc.sections.map((s) => s.text).join("\n\n");

describe("parsers inside workerd", () => {
  it("extracts the text of a PDF with unpdf, keeping its page number", async () => {
    const bytes = fromBase64(PDF_MEMO_BASE64);
    expect(sniffKind(bytes, "memo.txt")).toBe("pdf");
    const doc = await parseDocument(bytes, "pdf");
    expect(doc.pages).toBe(1);
    expect(doc.sections[0]?.page).toBe(1);
    expect(allText(doc).replace(/\s+/g, " ")).toContain(
      "There were 20,000 bottles of water, 10,000 blankets, and 200 laptops",
    );
  });

  it("turns a DOCX into Markdown tables with mammoth", async () => {
    const bytes = fromBase64(DOCX_TABLES_BASE64);
    expect(sniffKind(bytes, "tables.pdf")).toBe("docx");
    const doc = await parseDocument(bytes, "docx");
    expect(allText(doc)).toContain("| Header Col 1 | Header Col 2 |");
    expect(allText(doc)).toContain("g&t");
  });

  it("reads Windows-1252 HTML without scripts or navigation", async () => {
    const html =
      "<html><body><nav>Menu</nav><script>var x = 1;</script><h1>Café</h1><p>Preis: 15,50 \u20ac &amp; mehr</p></body></html>";
    const bytes = new Uint8Array(
      [...html].map((c) => (c === "\u20ac" ? 0x80 : c === "é" ? 0xe9 : c.charCodeAt(0))),
    );
    expect(sniffKind(bytes)).toBe("html");
    const doc = await parseDocument(bytes, "html");
    expect(doc.sections).toEqual([
      { text: "Café\n\nPreis: 15,50 € & mehr", page: null, heading_path: ["Café"] },
    ]);
    expect(doc.warnings.join(" ")).toContain("Windows-1252");
  });

  it("writes CSV rows with their headers with papaparse and chunks them", async () => {
    const bytes = new TextEncoder().encode('Country,ISO\nFrance,FR\n"Korea, Republic of",KR\n');
    expect(sniffKind(bytes, "countries.csv")).toBe("csv");
    const doc = await parseDocument(bytes, "csv");
    expect(allText(doc)).toBe("Country: France; ISO: FR\nCountry: Korea, Republic of; ISO: KR");
    const chunks = chunkDocument(doc, { chunk_size: 512, chunk_overlap: 50 });
    expect(chunks.map((c) => c.text)).toEqual([allText(doc)]);
  });
});
