/** The word analysis shared by the lexical embedding, FTS queries and Qdrant's sparse vectors. */
import { describe, expect, it } from "vitest";
import { hash32, stem, terms, words } from "../../../workers/embeddings/text.ts";

describe("text analysis", () => {
  it("splits on anything but letters and digits, lowercases and folds accents", () => {
    expect(words('Résumé: NEAR("café")*-x 42%')).toEqual(["resume", "near", "cafe", "x", "42"]);
    expect(words("Ünïcödé naïve façade")).toEqual(["unicode", "naive", "facade"]);
    expect(words("한국어 텍스트")).toEqual(["한국어", "텍스트"]);
  });

  it("stems plurals, -ing, -ed and a final -e to one form", () => {
    for (const group of [
      ["studies", "study"],
      ["cells", "cell"],
      ["running", "run"],
      ["activated", "activates", "activate", "activating"],
      ["proteins", "protein"],
    ]) {
      expect(new Set(group.map(stem)).size, group.join(", ")).toBe(1);
    }
  });

  it("leaves short words, numbers and -ss/-us/-is endings alone", () => {
    expect(["class", "virus", "analysis", "gas", "p53s", "1990s", "bus"].map(stem)).toEqual([
      "class",
      "virus",
      "analysis",
      "gas",
      "p53s",
      "1990s",
      "bus",
    ]);
  });

  it("drops stop words and lone letters from content terms", () => {
    expect(terms("The role of a p53 mutation in the cells")).toEqual([
      "role",
      "p53",
      "mutation",
      "cell",
    ]);
  });

  it("hashes the same text to the same 32-bit number everywhere", () => {
    expect(hash32("glacier")).toBe(hash32("glacier"));
    expect(hash32("glacier")).not.toBe(hash32("glaciers"));
    expect(hash32("glacier")).toBeGreaterThanOrEqual(0);
    expect(hash32("glacier")).toBeLessThan(2 ** 32);
    expect(hash32("")).toBe(hash32("", 0x811c9dc5));
  });
});
