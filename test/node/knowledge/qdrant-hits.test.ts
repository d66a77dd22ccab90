/**
 * QdrantStore's hybrid fusion (workers/knowledge/qdrant-hits.ts): Qdrant's two answer lists
 * fused as the KnowledgeBase fuses its own, each hit keeping the scores it was found by.
 */
import { describe, expect, it } from "vitest";
import { LEXICAL_MODEL } from "../../../workers/embeddings/lexical.ts";
import { fuseHits, listHits, normaliseSparse } from "../../../workers/knowledge/qdrant-hits.ts";
import type { AnswerPoint } from "../../../workers/knowledge/qdrant-hits.ts";

const TENANT = "tenant-a";
const payload = (name: string, model: string, tenant = TENANT) => ({
  tenant_id: tenant,
  chunk_id: `${name}:0`,
  document_id: name,
  document_name: name,
  chunk_index: 0,
  text: `About ${name}.`,
  page: null,
  heading_path: [],
  embedding_model: model,
});
const lists = (model: string) => {
  const p = (name: string, score: number): AnswerPoint => ({
    id: `id-${name}`,
    score,
    payload: payload(name, model),
  });
  return {
    dense: [p("a", 0.9), p("b", 0.5), p("c", 0.1)],
    sparse: [p("c", 8), p("b", 4), p("d", 2)],
  };
};
const names = (hits: { document_id: string }[]) => hits.map((h) => h.document_id);

describe("fuseHits", () => {
  it("orders by min-max score fusion with the lexical embedding's quarter dense share", () => {
    // dense a 1, b .5, c 0; text c 1, b 1/3, d 0 -> c .75, b .375, a .25, d 0
    const { dense, sparse } = lists(LEXICAL_MODEL);
    const hits = fuseHits(TENANT, dense, sparse, 10);
    expect(names(hits)).toEqual(["c", "b", "a", "d"]);
    expect(hits.map((h) => h.score)).toEqual([0.75, 0.375, 0.25, 0]);
  });

  it("gives a model embedding's dense list half the vote, ties going to the first found", () => {
    // a .5, c .5 (a was numbered first), b .25 + 1/6, d 0
    const { dense, sparse } = lists("text-embedding-3-small");
    expect(names(fuseHits(TENANT, dense, sparse, 10))).toEqual(["a", "c", "b", "d"]);
  });

  it("keeps each hit's cosine as dense_score when the dense list found it, and no text_score (Qdrant gives no term counts)", () => {
    const { dense, sparse } = lists(LEXICAL_MODEL);
    const byName = new Map(fuseHits(TENANT, dense, sparse, 10).map((h) => [h.document_id, h]));
    expect(byName.get("c")?.dense_score).toBe(0.1);
    expect(byName.get("a")?.dense_score).toBe(0.9);
    expect(byName.get("d")).not.toHaveProperty("dense_score");
    for (const h of byName.values()) expect(h).not.toHaveProperty("text_score");
  });

  it("gives dense-mode hits their cosine as dense_score, and full-text hits none", () => {
    const { dense, sparse } = lists(LEXICAL_MODEL);
    expect(listHits(TENANT, dense).map((h) => h.dense_score)).toEqual(dense.map((p) => p.score));
    for (const h of listHits(TENANT, sparse, normaliseSparse))
      expect(h).not.toHaveProperty("dense_score");
  });

  it("leaves out another tenant's and malformed points before normalising, so they move nothing", () => {
    const { dense, sparse } = lists(LEXICAL_MODEL);
    const intruders: AnswerPoint[] = [
      { id: "x", score: 0.99, payload: payload("x", LEXICAL_MODEL, "tenant-b") },
      { id: "y", score: 20, payload: { text: "no fields" } },
      { id: "z", score: 0.95, payload: null },
    ];
    expect(fuseHits(TENANT, [...intruders, ...dense], [...intruders, ...sparse], 10)).toEqual(
      fuseHits(TENANT, dense, sparse, 10),
    );
  });

  it("answers at most top_k hits, and none when no list holds the tenant's points", () => {
    const { dense, sparse } = lists(LEXICAL_MODEL);
    expect(names(fuseHits(TENANT, dense, sparse, 2))).toEqual(["c", "b"]);
    expect(fuseHits("tenant-b", dense, sparse, 5)).toEqual([]);
    expect(names(fuseHits(TENANT, [], sparse, 5))).toEqual(["c", "b", "d"]);
  });
});

describe("listHits", () => {
  it("keeps Qdrant's order, maps full-text scores into [0, 1) and keeps a dense hit's cosine", () => {
    const { sparse } = lists(LEXICAL_MODEL);
    expect(listHits(TENANT, sparse, normaliseSparse).map((h) => [h.document_id, h.score])).toEqual([
      ["c", 8 / 18],
      ["b", 4 / 14],
      ["d", 2 / 12],
    ]);
    const { dense } = lists(LEXICAL_MODEL);
    expect(listHits(TENANT, dense)[0]).toEqual({
      chunk_id: "a:0",
      document_id: "a",
      document_name: "a",
      chunk_index: 0,
      text: "About a.",
      page: null,
      heading_path: [],
      score: 0.9,
      dense_score: 0.9,
    });
  });
});
