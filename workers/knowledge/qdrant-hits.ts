/**
 * Qdrant's answer points turned into SearchHits, and hybrid search's two lists fused into one
 * exactly as the KnowledgeBase fuses its own (fusion.ts): `fuseByScore` on the raw scores
 * (cosine, sparse BM25), with the dense share `denseWeightFor` the tenant's embedding model.
 *
 * Why the fusion happens here and not in Qdrant: Qdrant's query API fuses by rank (`rrf`,
 * weighted from 1.17) or by mean and spread (`dbsf`); neither normalises each list by its
 * minimum and maximum, so neither can give the KnowledgeBase's order, and rank fusion scored
 * below full-text alone on scifact-mini (fusion.ts). A formula query could weight scores but
 * not normalise them without the lists' bounds, which only the lists give. So Qdrant returns
 * the two lists (one batch request) and the same function fuses them: same candidates, same
 * order as the KnowledgeBase.
 */
import { z } from "zod";
import { denseWeightFor, fuseByScore } from "./fusion.ts";
import type { Scored } from "./fusion.ts";
import type { SearchHit } from "./vector-store.ts";

/** What every point's payload holds; QdrantStore.upsert writes it. */
export const PayloadSchema = z.object({
  tenant_id: z.string(),
  chunk_id: z.string(),
  document_id: z.string(),
  document_name: z.string(),
  chunk_index: z.number().int(),
  text: z.string(),
  page: z.number().int().nullable(),
  heading_path: z.array(z.string()),
  embedding_model: z.string(),
});
type Payload = z.infer<typeof PayloadSchema>;

/** An answer point as the client types it: only what is read here. */
export interface AnswerPoint {
  id: string | number;
  score: number;
  payload?: Record<string, unknown> | null;
}

/** BM25 (positive, unbounded) mapped into [0, 1) by s / (s + 10), as the KnowledgeBase does. */
export const normaliseSparse = (score: number): number => (score > 0 ? score / (score + 10) : 0);

/** The tenant's points of a list with their parsed payloads; anything else is dropped. */
function ownPoints(
  tenantId: string,
  points: AnswerPoint[],
): { key: string; score: number; payload: Payload }[] {
  return points.flatMap((p) => {
    const payload = PayloadSchema.safeParse(p.payload);
    // A point of another tenant cannot match the filter; checking again costs nothing.
    if (!payload.success || payload.data.tenant_id !== tenantId) return [];
    return [{ key: String(p.id), score: p.score, payload: payload.data }];
  });
}

function toHit(payload: Payload, score: number): SearchHit {
  const { chunk_id, document_id, document_name, chunk_index, text, page, heading_path } = payload;
  return { chunk_id, document_id, document_name, chunk_index, text, page, heading_path, score };
}

/**
 * Hits of a single-list search in Qdrant's order: fulltext with `normalise` (BM25 into [0, 1)),
 * or dense, whose score is the cosine and so also the hit's `dense_score`.
 */
export function listHits(
  tenantId: string,
  points: AnswerPoint[],
  normalise?: (score: number) => number,
): SearchHit[] {
  return ownPoints(tenantId, points).map((p) =>
    normalise
      ? toHit(p.payload, normalise(p.score))
      : { ...toHit(p.payload, p.score), dense_score: p.score },
  );
}

/**
 * The dense and sparse lists fused by score, best first, at most `topK`. A hit the dense list
 * holds carries its cosine as `dense_score`. None carries `text_score`: that signal is an
 * IDF-weighted share of the question's terms (relevance.ts), and Qdrant gives no term counts,
 * so the threshold falls back to the plain share of the terms (`withSignals`); a sparse BM25
 * score would not do, as it grows with the question's length.
 */
export function fuseHits(
  tenantId: string,
  dense: AnswerPoint[],
  sparse: AnswerPoint[],
  topK: number,
): SearchHit[] {
  const denseOwn = ownPoints(tenantId, dense);
  const sparseOwn = ownPoints(tenantId, sparse);
  // fuseByScore orders by number; points are numbered in order of first appearance.
  const seqOf = new Map<string, number>();
  const payloads: Payload[] = [];
  const number = (p: { key: string; payload: Payload }): number => {
    let seq = seqOf.get(p.key);
    if (seq === undefined) {
      seq = payloads.push(p.payload) - 1;
      seqOf.set(p.key, seq);
    }
    return seq;
  };
  const denseScored: Scored[] = denseOwn.map((p) => ({ seq: number(p), score: p.score }));
  const sparseScored: Scored[] = sparseOwn.map((p) => ({ seq: number(p), score: p.score }));
  const model = payloads[0]?.embedding_model;
  if (model === undefined) return [];
  const cosine = new Map(denseScored.map((s) => [s.seq, s.score]));
  return fuseByScore(denseScored, sparseScored, denseWeightFor(model))
    .slice(0, topK)
    .flatMap((f) => {
      const payload = payloads[f.seq];
      if (!payload) return [];
      const d = cosine.get(f.seq);
      return [{ ...toHit(payload, f.score), ...(d === undefined ? {} : { dense_score: d }) }];
    });
}
