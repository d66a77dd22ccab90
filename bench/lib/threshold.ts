/**
 * What an agent's similarity threshold does to retrieval, for bench/retrieval.ts: the same
 * ranked hits filtered by a rule, scored against the relevance judgements (nDCG@10,
 * Recall@10, the share of answerable questions that still get at least one passage, the
 * share of relevant passages kept) and against out-of-domain questions (the share that get
 * nothing, as they should).
 */
import { passesThreshold } from "../../workers/knowledge/relevance.ts";
import type { SearchMode } from "../../workers/knowledge/vector-store.ts";

export interface BenchHit {
  id: string;
  score: number;
  dense_score: number | null;
  text_score: number | null;
}

/** Which hits a threshold keeps. */
export type KeepRule = (hit: BenchHit, threshold: number) => boolean;

/** The rule before issue 10: only dense search was filtered, on the cosine it ranks by. */
export const beforeRule =
  (mode: SearchMode): KeepRule =>
  (hit, t) =>
    mode !== "dense" || hit.score >= t;

/** The rule now: either absolute relevance signal reaches the threshold (workers/knowledge/relevance.ts). */
export const afterRule: KeepRule = (hit, t) =>
  passesThreshold(
    {
      ...(hit.dense_score === null ? {} : { dense_score: hit.dense_score }),
      ...(hit.text_score === null ? {} : { text_score: hit.text_score }),
    },
    t,
  );

export interface ThresholdFigures {
  ndcg_at_10: number;
  recall_at_10: number;
  /** Answerable questions that still retrieve at least one passage. */
  answered_share: number;
  /** Relevant passages in the unfiltered top 10 that the threshold keeps. */
  relevant_kept_share: number;
  /** Out-of-domain questions that retrieve nothing. */
  out_of_domain_empty_share: number;
}

function ndcgRecall(ranked: string[], relevant: Set<string>): { ndcg: number; recall: number } {
  let dcg = 0;
  let found = 0;
  ranked.slice(0, 10).forEach((id, i) => {
    if (!relevant.has(id)) return;
    dcg += 1 / Math.log2(i + 2);
    found++;
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(relevant.size, 10); i++) ideal += 1 / Math.log2(i + 2);
  return { ndcg: ideal ? dcg / ideal : 0, recall: relevant.size ? found / relevant.size : 0 };
}

const round = (x: number) => Number(x.toFixed(3));

/** Figures for one rule and threshold: `judged` are in-domain questions with their relevant ids, `outside` are off-topic questions' hits. */
export function thresholdFigures(
  judged: { hits: BenchHit[]; relevant: Set<string> }[],
  outside: BenchHit[][],
  keep: KeepRule,
  threshold: number,
): ThresholdFigures {
  let ndcg = 0;
  let recall = 0;
  let answered = 0;
  let relevantBefore = 0;
  let relevantKept = 0;
  for (const q of judged) {
    const kept = q.hits.filter((h) => keep(h, threshold));
    const m = ndcgRecall(
      kept.map((h) => h.id),
      q.relevant,
    );
    ndcg += m.ndcg;
    recall += m.recall;
    if (kept.length > 0) answered++;
    relevantBefore += q.hits.filter((h) => q.relevant.has(h.id)).length;
    relevantKept += kept.filter((h) => q.relevant.has(h.id)).length;
  }
  const empty = outside.filter((hits) => !hits.some((h) => keep(h, threshold))).length;
  const n = Math.max(1, judged.length);
  return {
    ndcg_at_10: round(ndcg / n),
    recall_at_10: round(recall / n),
    answered_share: round(answered / n),
    relevant_kept_share: round(relevantBefore ? relevantKept / relevantBefore : 1),
    out_of_domain_empty_share: round(outside.length ? empty / outside.length : 0),
  };
}
