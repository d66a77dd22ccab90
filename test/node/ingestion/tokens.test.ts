/**
 * The token estimate stands in for cl100k: about 1.1-1.4 tokens per English word, numbers
 * in groups of three, more per character for Korean or Japanese than for English, and never
 * more for a whole text than for the pieces it is cut into (the chunker relies on that).
 */
import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../../workers/ingestion/tokens.ts";
import { readEvalDoc } from "./eval-docs.ts";

describe("estimateTokens", () => {
  it("counts English prose at roughly 1.1 to 1.4 tokens a word", () => {
    const text = new TextDecoder().decode(readEvalDoc("norwich-city.txt")).slice(0, 20_000);
    const words = text.split(/\s+/).filter(Boolean).length;
    const ratio = estimateTokens(text) / words;
    expect(ratio).toBeGreaterThan(1.1);
    expect(ratio).toBeLessThan(1.6);
  });

  it("counts punctuation, digit groups and the space before a number", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("   \n\n ")).toBe(0);
    expect(estimateTokens("Hello, world!")).toBe(4);
    expect(estimateTokens("264140")).toBe(2);
    expect(estimateTokens("Kentucky 264,140")).toBe(6);
  });

  it("charges more per character for Korean and Japanese than for English", () => {
    const korean = "적립한도 없이 할인점·주유·온라인쇼핑몰 1.5% 빅포인트 적립";
    const japanese = "すべての人間は、生まれながらにして自由であり";
    const english = "All human beings are born free and equal";
    expect(estimateTokens(korean) / korean.length).toBeGreaterThan(
      estimateTokens(english) / english.length,
    );
    expect(estimateTokens(japanese) / japanese.length).toBeGreaterThan(1);
  });

  it("is never more for a whole text than the sum over any cut", () => {
    const text = "Well, Prince, so Genoa and Lucca are 1,000 family estates — 日本語 😀 ünïcödé.";
    for (let cut = 0; cut <= text.length; cut++) {
      expect(estimateTokens(text)).toBeLessThanOrEqual(
        estimateTokens(text, 0, cut) + estimateTokens(text, cut),
      );
    }
  });
});
