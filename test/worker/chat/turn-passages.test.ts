/**
 * A turn's passages from the store's hits: scored by the relevance the similarity threshold
 * judged (not the fused ranking score), with their section, and one passage per text.
 */
import { describe, expect, it } from "vitest";
import { relevanceOf, toPassages } from "../../../workers/chat/retrieve.ts";
import type { SearchHit } from "../../../workers/knowledge/vector-store.ts";

const hit = (n: number, extra: Partial<SearchHit> = {}): SearchHit => ({
  chunk_id: `chunk-${n}`,
  document_id: `doc-${n}`,
  document_name: `doc-${n}.md`,
  chunk_index: 0,
  text: `Passage ${n} about refunds.`,
  page: null,
  heading_path: [],
  score: 0.2,
  ...extra,
});

describe("a turn's passages", () => {
  it("scores a passage by the higher of its term coverage and cosine, the signals the threshold reads", () => {
    // Hybrid search fuses and normalises per query: a relevant second hit can rank at 0.2.
    expect(relevanceOf(hit(1, { score: 0.2, text_score: 0.8, dense_score: 0.3 }))).toBe(0.8);
    expect(relevanceOf(hit(2, { score: 0.2, dense_score: 0.75 }))).toBe(0.75);
    expect(relevanceOf(hit(3, { score: 0.6 }))).toBe(0.6);
    expect(toPassages([hit(1, { text_score: 0.9 })])[0]?.score).toBe(0.9);
  });

  it("keeps the first of two hits with the same text (one document uploaded twice)", () => {
    const passages = toPassages([
      hit(1, { text: "Refunds take  30 days." }),
      hit(2, { text: "refunds take 30 days." }),
      hit(3),
    ]);
    expect(passages.map((p) => p.document_id)).toEqual(["doc-1", "doc-3"]);
  });

  it("names the section a passage sits under", () => {
    const [p] = toPassages([hit(1, { heading_path: ["Pricing", "Plans"], page: 3 })]);
    expect(p).toMatchObject({ section: "Pricing › Plans", page: 3 });
    expect(toPassages([hit(2)])[0]?.section).toBeNull();
  });
});
