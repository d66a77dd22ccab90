/**
 * Inputs built to break a chunker: a megabyte on one line, a megabyte with no space at all,
 * scripts without spaces, emoji (surrogate pairs) and absurd options. Every chunk stays
 * within size and the whole text is still covered.
 */
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../../../workers/ingestion/chunk.ts";
import { parseText } from "../../../workers/ingestion/text.ts";
import { coversText, documentOf, joinedText } from "./chunk-helpers.ts";
import { readEvalDoc } from "./eval-docs.ts";

const OPTIONS = { chunk_size: 512, chunk_overlap: 50 };
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe("chunkDocument on hostile input", () => {
  it("chunks the 1 MB single-line War and Peace at sentence ends", async () => {
    const doc = await parseText(readEvalDoc("war-and-peace-single-line.txt"));
    const chunks = chunkDocument(doc, OPTIONS);
    expect(chunks.length).toBeGreaterThan(400);
    expect(chunks.every((c) => c.token_count <= 512)).toBe(true);
    expect(coversText(joinedText(doc), chunks)).toBe(true);
    expect(chunks[0]?.text).toMatch(
      /^CHAPTER I "Well, Prince, so Genoa and Lucca are now just family estates of the Buonapartes\./,
    );
  });

  it("hard-cuts a megabyte with no whitespace or punctuation", () => {
    const doc = documentOf([{ text: "abcdefghij".repeat(100_000) }]);
    const chunks = chunkDocument(doc, OPTIONS);
    expect(chunks.every((c) => c.token_count <= 512 && c.text.length > 0)).toBe(true);
    expect(coversText(joinedText(doc), chunks)).toBe(true);
  });

  it("cuts unspaced Japanese and emoji without splitting a character", () => {
    const text = "すべての人間は、生まれながらにして自由であり😀🎉".repeat(5_000);
    const chunks = chunkDocument(documentOf([{ text }]), { chunk_size: 100, chunk_overlap: 10 });
    expect(chunks.every((c) => c.token_count <= 100 && !loneSurrogate.test(c.text))).toBe(true);
    expect(coversText(text, chunks)).toBe(true);
  });

  it("survives a chunk size of one token and ignores a negative overlap", () => {
    const doc = documentOf([{ text: "one two three, four. Five!" }]);
    const tiny = chunkDocument(doc, { chunk_size: 1, chunk_overlap: 0 });
    expect(tiny.map((c) => c.text)).toEqual(["one", "two", "three", ",", "four", ".", "Five", "!"]);
    expect(chunkDocument(doc, { chunk_size: 512, chunk_overlap: -5 }).map((c) => c.text)).toEqual([
      "one two three, four. Five!",
    ]);
  });
});
