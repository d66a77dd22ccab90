/**
 * BM25-style sparse vectors for Qdrant's full-text side. A term's index is its 32-bit hash
 * (text.ts: the same terms as the lexical embedding and the KnowledgeBase's FTS queries).
 * A document's value is BM25's saturated term frequency; the query's values are 1 per term,
 * and Qdrant's IDF modifier on the sparse vector supplies the IDF from the collection, so
 * the dot product is the BM25 score.
 */
import { hash32, terms } from "../embeddings/text.ts";

export interface SparseVector {
  indices: number[];
  values: number[];
}

/** BM25 parameters; the average length is fixed because points are written one batch at a time. */
const K1 = 1.2;
const B = 0.75;
const AVERAGE_TERMS = 256;

const toSparse = (weights: Map<number, number>): SparseVector => {
  const indices = [...weights.keys()].sort((a, b) => a - b);
  return { indices, values: indices.map((i) => weights.get(i) ?? 0) };
};

/** A chunk's sparse vector: saturated, length-normalised term frequencies. */
export function documentSparseVector(text: string): SparseVector {
  const ts = terms(text);
  const tf = new Map<number, number>();
  for (const t of ts) {
    const h = hash32(t);
    tf.set(h, (tf.get(h) ?? 0) + 1);
  }
  const norm = K1 * (1 - B + (B * ts.length) / AVERAGE_TERMS);
  const weights = new Map<number, number>();
  for (const [h, f] of tf) weights.set(h, (f * (K1 + 1)) / (f + norm));
  return toSparse(weights);
}

/** A query's sparse vector: each distinct term once. */
export function querySparseVector(text: string): SparseVector {
  return toSparse(new Map(terms(text).map((t) => [hash32(t), 1])));
}
