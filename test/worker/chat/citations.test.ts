/** What an answer cites: citations renumbered as they stream, and only cited passages as sources. */
import { describe, expect, it } from "vitest";
import { CitationRenumberer, citedSources, snippet } from "../../../workers/chat/citations.ts";
import type { Passage } from "../../../workers/llm/types.ts";

const passage = (n: number, extra: Partial<Passage> = {}): Passage => ({
  document_id: `doc-${n}`,
  document_name: `doc-${n}.md`,
  page: null,
  text: `Passage number ${n}.`,
  score: 0.8,
  ...extra,
});

/** The text a client sees when `deltas` stream through one renumberer. */
function stream(deltas: string[], passages = 5) {
  const r = new CitationRenumberer(passages);
  const text = deltas.map((d) => r.push(d)).join("") + r.flush();
  return { text, cited: r.cited };
}

describe("citation renumbering", () => {
  it("numbers cited passages in the order the answer first cites them", () => {
    const { text, cited } = stream([
      "Refunds take 30 days [3]. ",
      "Gift cards [5] are ",
      "final [3].",
    ]);
    expect(text).toBe("Refunds take 30 days [1]. Gift cards [2] are final [1].");
    expect(cited).toEqual([2, 4]);
  });

  it("renumbers a citation cut between two deltas", () => {
    expect(stream(["It is open [", "4", "] daily."]).text).toBe("It is open [1] daily.");
    expect(stream(["See [2", "]"]).text).toBe("See [1]");
  });

  it("splits a list of citations into the linked form", () => {
    expect(stream(["Both [4, 2]."]).text).toBe("Both [1][2].");
  });

  it("leaves numbers that name no passage as written", () => {
    const { text, cited } = stream(["In [2023] the [7] plan [0] changed [2]."], 5);
    expect(text).toBe("In [2023] the [7] plan [0] changed [1].");
    expect(cited).toEqual([1]);
  });

  it("sends an unfinished bracket at the end as it was", () => {
    expect(stream(["Options: [1", ", 9"]).text).toBe("Options: [1, 9");
  });
});

describe("cited sources", () => {
  it("lists only the cited passages, source n being the answer's [n]", () => {
    const passages = [passage(1), passage(2), passage(3, { page: 4, section: "Plans › Pro" })];
    const sources = citedSources(passages, [2, 0]);
    expect(sources.map((s) => s.document_id)).toEqual(["doc-3", "doc-1"]);
    expect(sources[0]).toMatchObject({ page: 4, section: "Plans › Pro", score: 0.8 });
  });

  it("cuts a long passage at a word, never mid-word", () => {
    const text = `${"alpha ".repeat(100)}omega`;
    const cut = snippet(text, 50);
    expect(cut.endsWith("alpha…")).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(51);
  });
});
