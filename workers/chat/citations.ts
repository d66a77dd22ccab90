/**
 * What an answer cites, and the sources a turn sends: only the passages the answer cites, in
 * the order it first cites them, numbered [1], [2], ... in that order.
 *
 * The prompt numbers passages by retrieval rank, so an answer may cite [3] and [5] only. As
 * the answer streams, `CitationRenumberer` rewrites each citation to its place among the cited
 * passages ([3] -> [1], [5] -> [2]); the text the visitor sees streaming, the stored answer
 * and the sources list then agree, and a client that numbers sources by position (every
 * client so far) shows the right passage for each [n]. "[1, 3]" becomes "[1][2]" (the form
 * the web app links). A number that names no passage ("[7]" of five, "[2023]") is left as
 * written. A citation cut between two deltas ("[", "3]") is held back until it is whole.
 */
import type { Source } from "../../shared/conversation.ts";
import type { Passage } from "../llm/types.ts";

const CITATION = /\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]/g;
/** The end of a delta that may be the start of a citation. */
const OPEN_TAIL = /\[[\d,\s]{0,12}$/;
/** How much of a passage a source shows (cut at a word, never mid-word). */
const SNIPPET_CHARS = 400;

export class CitationRenumberer {
  /** How many passages a citation may name; grows while an advanced turn searches. */
  passageCount: number;
  /** Passage indexes (0-based), in the order the answer first cites them. */
  readonly cited: number[] = [];
  private held = "";

  constructor(passageCount: number) {
    this.passageCount = passageCount;
  }

  /** The text to send for `delta`: citations renumbered, a partial one held back. */
  push(delta: string): string {
    const text = this.held + delta;
    const tail = OPEN_TAIL.exec(text);
    this.held = tail ? tail[0] : "";
    return this.rewrite(tail ? text.slice(0, tail.index) : text);
  }

  /** Whatever is still held back, at the end of the answer. */
  flush(): string {
    const rest = this.held;
    this.held = "";
    return this.rewrite(rest);
  }

  private rewrite(text: string): string {
    return text.replace(CITATION, (whole, list: string) => {
      const numbers = list.split(",").map((n) => Number(n.trim()));
      if (numbers.some((n) => n < 1 || n > this.passageCount)) return whole;
      return numbers.map((n) => `[${this.place(n - 1)}]`).join("");
    });
  }

  private place(index: number): number {
    let at = this.cited.indexOf(index);
    if (at < 0) at = this.cited.push(index) - 1;
    return at + 1;
  }
}

/** `text` cut to at most `max` characters at a word boundary, with "…" when cut. */
export function snippet(text: string, max = SNIPPET_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "")}…`;
}

/** The sources of an answer: the cited passages, source n being the answer's [n]. */
export function citedSources(passages: Passage[], cited: readonly number[]): Source[] {
  return cited.flatMap((index) => {
    const p = passages[index];
    if (!p) return [];
    return [
      {
        document_id: p.document_id,
        document_name: p.document_name,
        page: p.page ?? null,
        ...(p.section ? { section: p.section } : {}),
        snippet: snippet(p.text),
        score: p.score,
      },
    ];
  });
}
