/**
 * CSV rows are written with their headers so that any chunk of them says what each value
 * is; quoted fields, other delimiters, missing headers and very wide rows all work.
 */
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../../workers/ingestion/csv.ts";
import { chunkDocument } from "../../../workers/ingestion/chunk.ts";
import { manyRowCsv } from "../../support/hostile-files.ts";
import { readEvalDoc } from "./eval-docs.ts";

const csv = (text: string) => parseCsv(new TextEncoder().encode(text));
const allText = (doc: { sections: { text: string }[] }) =>
  doc.sections.map((s) => s.text).join("\n");

describe("parseCsv", () => {
  it("writes every row with its column names and leaves empty cells out", async () => {
    const doc = await csv('Country,ISO,Capital\nFrance,FR,Paris\n"Korea, Republic of",KR,\n');
    expect(allText(doc)).toBe(
      "Country: France; ISO: FR; Capital: Paris\nCountry: Korea, Republic of; ISO: KR",
    );
  });

  it("detects semicolons and tabs as delimiters", async () => {
    expect(allText(await csv("a;b\n1;2\n"))).toBe("a: 1; b: 2");
    expect(allText(await csv("a\tb\n1\t2\n"))).toBe("a: 1; b: 2");
  });

  it("names columns by position when the first row is data", async () => {
    expect(allText(await csv("1,2.5\n3,4\n"))).toBe(
      "Column 1: 1; Column 2: 2.5\nColumn 1: 3; Column 2: 4",
    );
  });

  it("groups rows into sections of a hundred", async () => {
    const rows = Array.from({ length: 250 }, (_, i) => `row${i},${i}`).join("\n");
    const doc = await csv(`name,n\n${rows}\n`);
    expect(doc.sections.map((s) => s.text.split("\n").length)).toEqual([100, 100, 50]);
  });

  it("finds Norway's currency in the real country-codes file", async () => {
    const doc = await parseCsv(readEvalDoc("country-codes.csv"));
    const norway = allText(doc)
      .split("\n")
      .find((row) => row.includes("official_name_en: Norway"));
    expect(norway).toContain("ISO4217-currency_alphabetic_code: NOK");
    expect(norway).toContain("Royaume de Norvège");
  });

  it("keeps 370-column rows of thousands of characters whole", async () => {
    const doc = await parseCsv(readEvalDoc("csv-with-long-lines.csv"));
    const rows = allText(doc).split("\n");
    expect(rows).toHaveLength(10);
    expect(rows[0]?.split("; ").length).toBeGreaterThan(300);
    expect(rows[0]).toMatch(/^SpearmanCorrelationCoefficient: /);
  });

  it("reads a normal 1M-row export (9 MB) into labelled rows and chunks, without recursion limits", async () => {
    const text = manyRowCsv(1_000_000);
    expect(text.length).toBeGreaterThan(9_000_000);
    const doc = await csv(text);
    expect(doc.sections).toHaveLength(10_000);
    expect(doc.sections[0]?.text.split("\n")[0]).toBe("id: 1; qty: 1");
    expect(doc.sections.at(-1)?.text.split("\n").at(-1)).toBe("id: 1000000; qty: 27");
    const chunks = chunkDocument(doc, { chunk_size: 512, chunk_overlap: 50 });
    expect(chunks.length).toBeGreaterThan(10_000);
    expect(chunks.at(-1)?.text).toContain("id: 1000000; qty: 27");
  });

  it("refuses a CSV whose labelled rows pass the text budget, naming it", async () => {
    // 1.4 MB of rows under a 300-character column name: ~330 characters per row once labelled.
    const header = `${"x".repeat(300)},v`;
    const rows = Array.from({ length: 120_000 }, (_, i) => `${i},${i}`);
    const error = await csv(`${header}\n${rows.join("\n")}`).catch((err: unknown) => err);
    expect(error).toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
      message:
        "this document has more than 32,000,000 characters of text, more than can be indexed at once; split it into smaller documents",
    });
  });
});
