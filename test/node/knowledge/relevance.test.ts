/** The similarity threshold's relevance signals and rule (workers/knowledge/relevance.ts). */
import { describe, expect, it } from "vitest";
import {
  idf,
  passageTerms,
  passesThreshold,
  questionTerms,
  termCoverage,
  withSignals,
} from "../../../workers/knowledge/relevance.ts";

const plain = () => 1;

describe("relevance signals", () => {
  it("judges a question on its content words, stemmed, once each", () => {
    expect(
      questionTerms("What are the eruptions of the volcanoes and the volcano?").map((t) => t.term),
    ).toEqual(["eruption", "volcano"]);
    // Only stop words: they are all the question has, so they count.
    expect(questionTerms("to be or not to be").map((t) => t.term)).toEqual([
      "to",
      "be",
      "or",
      "not",
    ]);
    expect(questionTerms("?!")).toEqual([]);
  });

  it("keeps an original word for each term, to count documents with the store's own tokenizer", () => {
    expect(questionTerms("Volcanoes erupted")).toEqual([
      { term: "volcano", word: "volcanoes" },
      { term: "erupt", word: "erupted" },
    ]);
  });

  it("scores the share of the question found in a passage, rare terms weighing more", () => {
    const question = questionTerms("vesuvius eruption towns");
    const passage = passageTerms("The towns near Vesuvius were evacuated.");
    expect(termCoverage(question, passage, plain)).toBeCloseTo(2 / 3);
    // "towns" is in most documents, "eruption" in none: finding only "towns" is little evidence.
    const df: Record<string, number> = { vesuvius: 2, eruption: 0, town: 90 };
    const weighted = termCoverage(question, passageTerms("Towns grow."), (t) =>
      idf(100, df[t] ?? 0),
    );
    expect(weighted).toBeLessThan(0.1);
    expect(termCoverage(question, passage, (t) => idf(100, df[t] ?? 0))).toBeGreaterThan(
      weighted ?? 1,
    );
    expect(termCoverage([], passage, plain)).toBeNull();
  });

  it("gives IDF its BM25 shape: never negative, largest for a term no document has", () => {
    expect(idf(10, 10)).toBeGreaterThan(0);
    expect(idf(10, 0)).toBeGreaterThan(idf(10, 1));
    expect(idf(3, 5)).toBeGreaterThan(0);
  });
});

describe("passesThreshold", () => {
  it("keeps a passage when either signal reaches the threshold", () => {
    expect(passesThreshold({ dense_score: 0.5, text_score: 0.1 }, 0.3)).toBe(true);
    expect(passesThreshold({ dense_score: 0.1, text_score: 0.5 }, 0.3)).toBe(true);
    expect(passesThreshold({ dense_score: 0.3 }, 0.3)).toBe(true);
    expect(passesThreshold({ dense_score: 0.29, text_score: 0.29 }, 0.3)).toBe(false);
  });

  it("keeps everything at 0, and drops a passage with no signal at any other threshold", () => {
    expect(passesThreshold({}, 0)).toBe(true);
    expect(passesThreshold({ dense_score: -0.2 }, 0)).toBe(true);
    expect(passesThreshold({}, 0.01)).toBe(false);
  });
});

describe("withSignals", () => {
  const hit = {
    chunk_id: "c",
    document_id: "d",
    document_name: "d",
    chunk_index: 0,
    text: "Vesuvius erupted near Naples.",
    page: null,
    heading_path: [],
    score: 0.4,
  };

  it("keeps the signals a store attached", () => {
    expect(withSignals({ ...hit, text_score: 0.9 }, "anything else", "hybrid")).toEqual({
      ...hit,
      text_score: 0.9,
    });
  });

  it("fills only the signal a store left out: a Qdrant hybrid hit keeps its cosine and gets the plain share", () => {
    expect(withSignals({ ...hit, dense_score: 0.2 }, "Vesuvius in Sicily", "hybrid")).toEqual({
      ...hit,
      dense_score: 0.2,
      text_score: 0.5,
    });
  });

  it("judges a hit without signals by the plain share of the question's terms, and by its cosine in dense mode", () => {
    expect(withSignals(hit, "Vesuvius in Sicily", "hybrid")).toEqual({ ...hit, text_score: 0.5 });
    expect(withSignals(hit, "Vesuvius in Sicily", "dense")).toEqual({
      ...hit,
      text_score: 0.5,
      dense_score: 0.4,
    });
  });
});
