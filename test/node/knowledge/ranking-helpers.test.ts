/** The KnowledgeBase's ranking helpers: FTS5 query building, hybrid score fusion, top-k. */
import { describe, expect, it } from "vitest";
import {
  TopK,
  fulltextMatch,
  normaliseBm25,
} from "../../../durable-objects/knowledge-base/knowledge-base.search.ts";
import { LEXICAL_MODEL } from "../../../workers/embeddings/lexical.ts";
import {
  LEXICAL_DENSE_WEIGHT,
  MODEL_DENSE_WEIGHT,
  denseWeightFor,
  fuseByScore,
  minMax,
} from "../../../workers/knowledge/fusion.ts";
import { documentSparseVector, querySparseVector } from "../../../workers/knowledge/sparse.ts";

describe("fulltextMatch", () => {
  it("quotes each distinct content word and ORs them", () => {
    expect(fulltextMatch("How do glaciers carve glaciers?")).toBe('"glaciers" OR "carve"');
  });

  it("turns FTS5 syntax in the input into plain separators", () => {
    expect(fulltextMatch('NEAR("lava" flows, 5) AND text:crater* -ash ^top')).toBe(
      '"near" OR "lava" OR "flows" OR "5" OR "text" OR "crater" OR "ash" OR "top"',
    );
    expect(fulltextMatch('"')).toBeNull();
    expect(fulltextMatch("  ")).toBeNull();
  });

  it("keeps stop words only when the query has nothing else", () => {
    expect(fulltextMatch("to be or not to be")).toBe('"to" OR "be" OR "or" OR "not"');
  });
});

describe("hybrid score fusion", () => {
  it("maps each list's scores onto [0, 1], best 1 and worst 0", () => {
    expect([
      ...minMax([
        { seq: 1, score: 12 },
        { seq: 2, score: 7 },
        { seq: 3, score: 2 },
      ]),
    ]).toEqual([
      [1, 1],
      [2, 0.5],
      [3, 0],
    ]);
    expect([...minMax([{ seq: 4, score: 0.3 }])]).toEqual([[4, 1]]);
    expect(minMax([]).size).toBe(0);
  });

  it("combines normalised scores with the dense weight, so a clear lead in the stronger list wins", () => {
    const dense = [
      { seq: 1, score: 0.9 },
      { seq: 2, score: 0.8 },
      { seq: 3, score: 0.1 },
    ];
    const text = [
      { seq: 2, score: 30 },
      { seq: 3, score: 29 },
      { seq: 4, score: 5 },
    ];
    const fused = fuseByScore(dense, text, 0.25);
    // 2: 0.25 * 0.875 + 0.75 * 1; 3: 0 + 0.75 * 0.96; 1: 0.25 * 1; 4: 0.
    expect(fused.map((r) => r.seq)).toEqual([2, 3, 1, 4]);
    expect(fused[0]?.score).toBeCloseTo(0.25 * 0.875 + 0.75, 12);
    expect(fused[1]?.score).toBeCloseTo(0.75 * (24 / 25), 12);
    // With an equal vote the dense list's best overtakes the text list's runner-up.
    expect(fuseByScore(dense, text, 0.5).map((r) => r.seq)).toEqual([2, 1, 3, 4]);
  });

  it("ranks by the one list there is when the other is empty, and breaks ties by seq", () => {
    expect(
      fuseByScore(
        [],
        [
          { seq: 9, score: 3 },
          { seq: 5, score: 1 },
        ],
        0.25,
      ).map((r) => r.seq),
    ).toEqual([9, 5]);
    expect(
      fuseByScore([{ seq: 7, score: 0.5 }], [{ seq: 6, score: 2 }], 0.5).map((r) => r.seq),
    ).toEqual([6, 7]);
  });

  it("gives the lexical embedding's list a smaller share than a model embedding's", () => {
    expect(denseWeightFor(LEXICAL_MODEL)).toBe(LEXICAL_DENSE_WEIGHT);
    expect(denseWeightFor("text-embedding-3-small")).toBe(MODEL_DENSE_WEIGHT);
    expect(LEXICAL_DENSE_WEIGHT).toBeLessThan(MODEL_DENSE_WEIGHT);
  });
});

describe("TopK", () => {
  it("keeps the best items whatever the order they come in", () => {
    const top = new TopK(3);
    [5, 1, 9, 3, 7, 2, 8].forEach((score, id) => top.push(id, score));
    expect(top.sorted()).toEqual([
      { id: 2, score: 9 },
      { id: 6, score: 8 },
      { id: 4, score: 7 },
    ]);
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
    expect(querySparseVector("glaciers").indices[0]).toBe(
      documentSparseVector("glacier").indices[0],
    );
  });
});
