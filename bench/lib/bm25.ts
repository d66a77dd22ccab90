/**
 * A plain BM25 over a small corpus (k1 1.2, b 0.75), with the product's tokenizer and stemmer:
 * the benches' stand-in for retrieval when they measure what comes after it (the extractive
 * answer, the agent loop), so the figure is of that part and not of the search.
 */
import { stem, words } from "../../workers/embeddings/text.ts";

export interface Bm25Doc {
  id: string;
  title: string;
  text: string;
}

export function createBm25<D extends Bm25Doc>(docs: D[]) {
  const tokens = docs.map((d) => words(d.text).map(stem));
  const avgLen = tokens.reduce((n, t) => n + t.length, 0) / tokens.length;
  const df = new Map<string, number>();
  for (const t of tokens) for (const term of new Set(t)) df.set(term, (df.get(term) ?? 0) + 1);
  const score = (query: string, i: number) => {
    const t = tokens[i] ?? [];
    let s = 0;
    for (const term of new Set(words(query).map(stem))) {
      const f = t.filter((x) => x === term).length;
      if (f === 0) continue;
      const idf = Math.log(
        1 + (docs.length - (df.get(term) ?? 0) + 0.5) / ((df.get(term) ?? 0) + 0.5),
      );
      s += (idf * f * 2.2) / (f + 1.2 * (0.25 + (0.75 * t.length) / avgLen));
    }
    return s;
  };
  /** The `k` best documents for `query`, best first, with their scores. */
  return (query: string, k: number): { doc: D; score: number }[] =>
    docs
      .map((doc, i) => ({ doc, score: score(query, i) }))
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
}
