/** The KnowledgeBase's ranking helpers: FTS5 query building, reciprocal rank fusion, top-k. */
import { describe, expect, it } from "vitest";
import { TopK, fulltextMatch, normaliseBm25, reciprocalRankFusion } from "../../../durable-objects/knowledge-base/knowledge-base.search.ts";
import { documentSparseVector, querySparseVector } from "../../../workers/knowledge/sparse.ts";

describe("fulltextMatch", () => {
  it("quotes each distinct content word and ORs them", () => {
    expect(fulltextMatch("How do glaciers carve glaciers?")).toBe('"glaciers" OR "carve"');
  });

  it("turns FTS5 syntax in the input into plain separators", () => {
    expect(fulltextMatch('NEAR("lava" flows, 5) AND text:crater* -ash ^top')).toBe('"near" OR "lava" OR "flows" OR "5" OR "text" OR "crater" OR "ash" OR "top"');
    expect(fulltextMatch('"')).toBeNull();
    expect(fulltextMatch("  ")).toBeNull();
  });

  it("keeps stop words only when the query has nothing else", () => {
    expect(fulltextMatch("to be or not to be")).toBe('"to" OR "be" OR "or" OR "not"');
  });
});

describe("reciprocalRankFusion", () => {
  it("adds 1 / (60 + rank) from each list, so agreement wins", () => {
    const fused = reciprocalRankFusion([[1, 2, 3], [3, 1, 4]]);
    expect(fused.map((r) => r.seq)).toEqual([1, 3, 2, 4]);
    expect(fused[0]?.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[3]?.score).toBeCloseTo(1 / 63, 12);
  });
});

describe("TopK", () => {
  it("keeps the best items whatever the order they come in", () => {
    const top = new TopK(3);
    [5, 1, 9, 3, 7, 2, 8].forEach((score, id) => top.push(id, score));
    expect(top.sorted()).toEqual([{ id: 2, score: 9 }, { id: 6, score: 8 }, { id: 4, score: 7 }]);
    expect(top.floor).toBe(7);
  });
});

describe("scores and sparse vectors", () => {
  it("maps BM25 into [0, 1) without changing the order", () => {
    expect(normaliseBm25(0)).toBe(0);
    expect(normaliseBm25(10)).toBe(0.5);
    expect(normaliseBm25(5)).toBeLessThan(normaliseBm25(6));
    expect(normaliseBm25(1e9)).toBeLessThan(1);
  });

  it("gives documents saturated term frequencies and queries one per term, indices sorted and unique", () => {
    const doc = documentSparseVector("glacier glacier glacier valley");
    expect(doc.indices).toEqual([...doc.indices].sort((a, b) => a - b));
    expect(new Set(doc.indices).size).toBe(2);
    const [a = 0, b = 0] = doc.values;
    expect(Math.max(a, b)).toBeLessThan(2.2);
    expect(Math.max(a, b) / Math.min(a, b)).toBeLessThan(3);
    expect(querySparseVector("glaciers and the valley").values).toEqual([1, 1]);
    expect(querySparseVector("glaciers").indices[0]).toBe(documentSparseVector("glacier").indices[0]);
  });
});
