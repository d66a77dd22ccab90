/** The offline lexical embedding: deterministic, unit length, and closer for texts that share words. */
import { describe, expect, it } from "vitest";
import {
  LEXICAL_DIMENSIONS,
  LEXICAL_MODEL,
  createLexicalEmbedder,
} from "../../../workers/embeddings/lexical.ts";

const embedder = createLexicalEmbedder();
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

describe("the lexical embedder", () => {
  it("names itself as lexical and gives one vector of its dimensions per text, in order", async () => {
    expect(embedder.model).toBe(LEXICAL_MODEL);
    expect(embedder.model).toMatch(/lexical/);
    const vectors = await embedder.embed(["alpha beta", "gamma", "alpha beta"]);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) expect(v).toHaveLength(LEXICAL_DIMENSIONS);
    expect(vectors[0]).toEqual(vectors[2]);
    expect(vectors[0]).not.toEqual(vectors[1]);
  });

  it("gives the same vector for the same text in a fresh embedder", async () => {
    const text = "Sourdough bread rises slowly with a wild yeast starter.";
    const [a] = await embedder.embed([text]);
    const [b] = await createLexicalEmbedder().embed([text]);
    expect(a).toEqual(b);
  });

  it("returns unit vectors, and all zeros for text without content words", async () => {
    const [v, empty, stop] = await embedder.embed([
      "Glaciers carve deep U-shaped valleys over millennia.",
      "",
      "the of and to",
    ]);
    expect(norm(v ?? [])).toBeCloseTo(1, 6);
    expect(empty?.every((x) => x === 0)).toBe(true);
    expect(stop?.every((x) => x === 0)).toBe(true);
  });

  it("puts texts that share words (after stemming and case folding) closer than unrelated texts", async () => {
    const [query, related, inflected, unrelated] = await embedder.embed([
      "How do glaciers carve valleys?",
      "Valleys carved by a glacier are U-shaped.",
      "GLACIER CARVING VALLEY",
      "Sourdough bread needs a wild yeast starter.",
    ]);
    const q = query ?? [];
    expect(dot(q, related ?? [])).toBeGreaterThan(0.3);
    expect(dot(q, inflected ?? [])).toBeGreaterThan(dot(q, unrelated ?? []) + 0.3);
    expect(Math.abs(dot(q, unrelated ?? []))).toBeLessThan(0.1);
  });

  it("folds accents and ignores punctuation", async () => {
    const [a, b] = await embedder.embed(["Résumé, café!", "resume cafe"]);
    expect(dot(a ?? [], b ?? [])).toBeCloseTo(1, 6);
  });
});
