/**
 * How hybrid search combines its two ranked lists (dense and full-text) into one.
 *
 * The KnowledgeBase fuses by score (a convex combination of min-max normalised scores,
 * "CombSUM" with weights; Bruch et al. 2023, "An Analysis of Fusion Functions for Hybrid
 * Retrieval"), not by rank (RRF): rank fusion throws away how far ahead a list's best match
 * is, and it gives both lists an equal vote however unequal they are. On scifact-mini RRF
 * scored below full-text alone (nDCG@10 0.816 vs 0.843); score fusion scores above both.
 *
 * The dense list's share depends on what made the vectors. The offline lexical embedding is
 * a hashed TF-IDF of the same words BM25 reads, so its list is a second, noisier opinion on
 * the same evidence: it breaks ties and rescues near misses, with a quarter of the vote. A
 * model embedding (OpenAI) carries meaning the words do not, so it gets an equal vote.
 * The quarter comes from a sweep over both retrieval sets of ../shared/eval: every weight
 * from 0.2 to 0.35 gave about the same figures on each, and 0.25 sits inside that plateau.
 */
import { LEXICAL_MODEL } from "../embeddings/lexical.ts";

/** Each list fused by hybrid search is this many times deeper than the answer. */
export const HYBRID_DEPTH_FACTOR = 4;

/** The dense list's weight for the lexical embedding, and for model embeddings. */
export const LEXICAL_DENSE_WEIGHT = 0.25;
export const MODEL_DENSE_WEIGHT = 0.5;

export interface Scored {
  seq: number;
  score: number;
}

/** The dense list's share of the fused score, for vectors made by `model`. */
export const denseWeightFor = (model: string): number =>
  model === LEXICAL_MODEL ? LEXICAL_DENSE_WEIGHT : MODEL_DENSE_WEIGHT;

/** Scores mapped onto [0, 1] within their list: best 1, worst 0 (a single item, or all equal: 1). */
export function minMax(list: Scored[]): Map<number, number> {
  let max = -Infinity;
  let min = Infinity;
  for (const r of list) {
    if (r.score > max) max = r.score;
    if (r.score < min) min = r.score;
  }
  const span = max - min;
  return new Map(list.map((r) => [r.seq, span > 0 ? (r.score - min) / span : 1]));
}

/**
 * Every item of either list scored `w * dense + (1 - w) * text` on normalised scores (an
 * item missing from a list counts as that list's worst), best first, ties by seq. Fused
 * scores are in [0, 1] and only order the results of one query.
 */
export function fuseByScore(dense: Scored[], text: Scored[], denseWeight: number): Scored[] {
  const d = minMax(dense);
  const t = minMax(text);
  const seqs = new Set([...d.keys(), ...t.keys()]);
  const fused: Scored[] = [];
  for (const seq of seqs)
    fused.push({
      seq,
      score: denseWeight * (d.get(seq) ?? 0) + (1 - denseWeight) * (t.get(seq) ?? 0),
    });
  return fused.sort((a, b) => b.score - a.score || a.seq - b.seq);
}
