/**
 * Chunks respect the document's structure: never across sections (so never across pages or
 * headings), cut at paragraph and sentence ends when they can, carrying page and heading
 * path, with offsets into the joined text, and always the same for the same input.
 */
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../../../workers/ingestion/chunk.ts";
import { parsePdf } from "../../../workers/ingestion/pdf.ts";
import { documentOf, joinedText, sentences } from "./chunk-helpers.ts";
import { readEvalDoc } from "./eval-docs.ts";

const OPTIONS = { chunk_size: 512, chunk_overlap: 50 };

describe("chunkDocument boundaries", () => {
  it("never lets a chunk span two pages of a real PDF, and keeps its page number", async () => {
    const doc = await parsePdf(readEvalDoc("federal-register-2020-17221.pdf"));
    const chunks = chunkDocument(doc, OPTIONS);
    let offset = 0;
    const ranges = doc.sections.map((s) => {
      const range = { page: s.page, start: offset, end: offset + s.text.length };
      offset = range.end + 2;
      return range;
    });
    for (const chunk of chunks) {
      const home = ranges.find((r) => chunk.start >= r.start && chunk.end <= r.end);
      expect(home?.page).toBe(chunk.page);
    }
    expect(new Set(chunks.map((c) => c.page)).size).toBe(15);
  });

  it("gives offsets into the sections joined by blank lines, and consecutive indexes", () => {
    const doc = documentOf([
      { text: sentences(40), heading_path: ["A"] },
      { text: sentences(40, 41), heading_path: ["A", "B"] },
    ]);
    const chunks = chunkDocument(doc, { chunk_size: 100, chunk_overlap: 10 });
    const text = joinedText(doc);
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
    for (const c of chunks) expect(text.slice(c.start, c.end)).toBe(c.text);
    expect(chunks.at(-1)?.heading_path).toEqual(["A", "B"]);
    expect(
      chunks.find((c) => c.text.includes("Sentence 40 ") && c.text.includes("Sentence 41 ")),
    ).toBeUndefined();
  });

  it("cuts between paragraphs rather than inside them when paragraphs fit", () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => sentences(5, i * 5 + 1));
    const chunks = chunkDocument(documentOf([{ text: paragraphs.join("\n\n") }]), {
      chunk_size: 200,
      chunk_overlap: 0,
    });
    for (const c of chunks) {
      expect(paragraphs.some((p) => c.text.startsWith(p))).toBe(true);
      expect(paragraphs.some((p) => c.text.endsWith(p))).toBe(true);
    }
  });

  it("cuts a paragraph too long for one chunk at sentence ends", () => {
    const chunks = chunkDocument(documentOf([{ text: sentences(60) }]), {
      chunk_size: 100,
      chunk_overlap: 0,
    });
    for (const c of chunks) expect(c.text).toMatch(/^Sentence \d+ .*well\.$/s);
  });

  it("returns the same chunks for the same document every time", async () => {
    const doc = await parsePdf(readEvalDoc("layout-parser-paper-fast.pdf"));
    expect(chunkDocument(doc, OPTIONS)).toEqual(chunkDocument(structuredClone(doc), OPTIONS));
  });

  it("returns no chunks for a document without sections", () => {
    expect(chunkDocument(documentOf([]), OPTIONS)).toEqual([]);
  });
});
