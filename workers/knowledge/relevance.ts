/**
 * What an agent's `similarity_threshold` means, in every search mode and with every store:
 * a passage is used only if its evidence of relevance reaches the threshold in at least one
 * signal with an absolute scale (the same passage gets the same verdict whatever else the
 * query found):
 *
 * - `text_score`: the share of the question's content terms the passage contains, each term
 *   weighted by its BM25 IDF in the tenant's knowledge (so matching "the", "study" or "time"
 *   counts for little and matching a rare name for a lot); a question term that appears in
 *   no document weighs the most, so off-topic questions score low. In [0, 1].
 * - `dense_score`: the cosine similarity of the passage's and the question's embeddings.
 *
 * Why not the scores the stores rank by: hybrid scores are min-max normalised per query
 * (fusion.ts), so the best passage of any query scores 1, relevant or not; BM25 (even mapped
 * into [0, 1) by s / (s + 10)) grows with the question's length and with the corpus' size,
 * so a fixed threshold keeps everything for a long question and nothing for a small
 * knowledge base. Measured on both retrieval sets of ../shared/eval (bench/retrieval.ts,
 * "similarity threshold"), the term-coverage signal keeps every relevant passage of
 * scifact-mini up to 0.15, while off-topic questions (the other set's) mostly retrieve
 * nothing on squad2; the dense cosine of the offline lexical embedding is too low to matter
 * there (relevant passages mostly score under 0.3), a model embedding's is what it adds.
 *
 * Stores attach the scores they can to their hits (`SearchHit`): the KnowledgeBase both; Qdrant
 * only `dense_score`, as it gives no term counts for the IDF. For each signal a hit comes
 * without, `withSignals` falls back to what the hit itself shows: its cosine when it was ranked
 * by one (dense mode), and the plain share of the question's terms it contains (no IDF).
 * On the eval sets that plain share keeps 99-100% of relevant passages at 0.15 but lets more
 * off-topic passages through than the IDF-weighted one.
 */
import { isStopWord, stem, words } from "../embeddings/text.ts";
import type { SearchHit, SearchMode } from "./vector-store.ts";

/** The at-most-32 distinct terms of a question that count (as the full-text query uses). */
const MAX_QUERY_TERMS = 32;

/**
 * The terms a question is judged on, each with one of its original words (to count documents
 * with the store's own tokenizer): content words stemmed, stop words left out unless the
 * question has nothing else ("to be or not to be").
 */
export function questionTerms(text: string): { term: string; word: string }[] {
  const all = words(text);
  const content = all.filter((w) => !isStopWord(w) && (w.length > 1 || /\d/.test(w)));
  const chosen = content.length > 0 ? content : all;
  const out = new Map<string, string>();
  for (const word of chosen) {
    const term = stem(word);
    if (!out.has(term)) out.set(term, word);
    if (out.size >= MAX_QUERY_TERMS) break;
  }
  return [...out].map(([term, word]) => ({ term, word }));
}

/** The stemmed words of a passage, stop words included (a question made of them must match). */
export function passageTerms(text: string): Set<string> {
  return new Set(words(text).map(stem));
}

/** BM25's IDF, never negative: ln(1 + (N - df + 0.5) / (df + 0.5)). */
export const idf = (documents: number, df: number): number =>
  Math.log(1 + (Math.max(0, documents - df) + 0.5) / (df + 0.5));

/**
 * The IDF-weighted share of `question`'s terms found in `passage`, in [0, 1]. `weight` gives
 * each term's IDF (1 for every term gives the plain share). Null when the question has no term.
 */
export function termCoverage(
  question: { term: string }[],
  passage: Set<string>,
  weight: (term: string) => number,
): number | null {
  let total = 0;
  let found = 0;
  for (const { term } of question) {
    const w = weight(term);
    total += w;
    if (passage.has(term)) found += w;
  }
  return total > 0 ? found / total : null;
}

/** Per-signal relevance a store attaches to a hit (both optional: see the module comment). */
export type RelevanceSignals = Pick<SearchHit, "dense_score" | "text_score">;

/** Whether a hit has enough evidence of relevance for `threshold` (0 keeps everything). */
export function passesThreshold(hit: RelevanceSignals, threshold: number): boolean {
  if (threshold <= 0) return true;
  return (hit.dense_score ?? -Infinity) >= threshold || (hit.text_score ?? -Infinity) >= threshold;
}

/** `hit` with relevance signals: its own, or the fallback described in the header. */
export function withSignals<H extends SearchHit>(hit: H, question: string, mode: SearchMode): H {
  const dense = hit.dense_score ?? (mode === "dense" ? hit.score : undefined);
  const text =
    hit.text_score ??
    termCoverage(questionTerms(question), passageTerms(hit.text), () => 1) ??
    undefined;
  return {
    ...hit,
    ...(dense === undefined ? {} : { dense_score: dense }),
    ...(text === undefined ? {} : { text_score: text }),
  };
}
