/**
 * Chunks stay within chunk_size (estimated tokens), and each chunk after the first in a
 * section repeats up to chunk_overlap tokens from the end of the one before, starting at a
 * word boundary.
 */
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../../../workers/ingestion/chunk.ts";
import { parseText } from "../../../workers/ingestion/text.ts";
import { estimateTokens } from "../../../workers/ingestion/tokens.ts";
import { coversText, documentOf, joinedText, sentences } from "./chunk-helpers.ts";
import { readEvalDoc } from "./eval-docs.ts";

describe("chunkDocument sizes and overlap", () => {
  it("keeps every chunk of a real article within chunk_size for small and large sizes", async () => {
    const doc = await parseText(readEvalDoc("norwich-city.txt"));
    for (const chunk_size of [32, 128, 512, 2048]) {
      const chunks = chunkDocument(doc, { chunk_size, chunk_overlap: Math.floor(chunk_size / 10) });
      expect(
        chunks.every(
          (c) => c.token_count <= chunk_size && c.token_count === estimateTokens(c.text),
        ),
      ).toBe(true);
      expect(coversText(joinedText(doc), chunks)).toBe(true);
    }
  });

  it("fills chunks close to chunk_size when the text allows it", () => {
    const chunks = chunkDocument(documentOf([{ text: sentences(200) }]), {
      chunk_size: 200,
      chunk_overlap: 20,
    });
    const inner = chunks.slice(0, -1);
    expect(inner.every((c) => c.token_count >= 160)).toBe(true);
  });

  it("repeats the end of each chunk at the start of the next, within chunk_overlap tokens", () => {
    const doc = documentOf([{ text: sentences(100) }]);
    const chunks = chunkDocument(doc, { chunk_size: 120, chunk_overlap: 30 });
    const text = joinedText(doc);
    expect(chunks.length).toBeGreaterThan(5);
    for (let i = 1; i < chunks.length; i++) {
      const [previous, chunk] = [chunks[i - 1], chunks[i]];
      if (!previous || !chunk) continue;
      expect(chunk.start).toBeLessThan(previous.end);
      expect(chunk.start).toBeGreaterThan(previous.start);
      expect(estimateTokens(text, chunk.start, previous.end)).toBeLessThanOrEqual(30);
      expect(estimateTokens(text, chunk.start, previous.end)).toBeGreaterThanOrEqual(10);
      expect(text[chunk.start - 1]).toMatch(/\s/);
    }
  });

  it("does not overlap when chunk_overlap is 0", () => {
    const chunks = chunkDocument(documentOf([{ text: sentences(100) }]), {
      chunk_size: 100,
      chunk_overlap: 0,
    });
    for (let i = 1; i < chunks.length; i++)
      expect(chunks[i]?.start).toBeGreaterThanOrEqual(chunks[i - 1]?.end ?? 0);
  });

  it("limits an overlap larger than half a chunk to half a chunk", () => {
    const doc = documentOf([{ text: sentences(100) }]);
    const chunks = chunkDocument(doc, { chunk_size: 100, chunk_overlap: 500 });
    const text = joinedText(doc);
    expect(chunks.every((c) => c.token_count <= 100)).toBe(true);
    for (let i = 1; i < chunks.length; i++) {
      expect(
        estimateTokens(text, chunks[i]?.start ?? 0, chunks[i - 1]?.end ?? 0),
      ).toBeLessThanOrEqual(50);
    }
  });
});
