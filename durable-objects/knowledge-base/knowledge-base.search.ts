/**
 * Ranking for the KnowledgeBase: the in-memory vector index (dense) and the full-text query
 * builder (FTS5). Hybrid search fuses the two by score (workers/knowledge/fusion.ts).
 *
 * Dense scores are cosines in an IDF-weighted space: each dimension is weighted by how rare
 * it is among this tenant's chunks (the BM25 IDF of "this dimension is non-zero"). The
 * stored vectors stay unweighted, so they never change as documents come and go; the weights
 * are computed when the index is built. For model embeddings (OpenAI) every dimension is
 * non-zero in every chunk, all weights are equal, and the score is exactly the cosine. For
 * the lexical embedding (sparse hashed words) it is a TF-IDF cosine, which ranks far better
 * than raw term overlap.
 *
 * Memory: the index keeps every vector as int8 (one byte per dimension, plus a per-row
 * scale), a quarter of Float32: 20k chunks x 2048 lexical dimensions = 41 MB, x 1536 OpenAI
 * dimensions = 31 MB (Float32 would be 164 MB and 123 MB: over the isolate's 128 MB).
 * VECTOR_CACHE_BYTES caps the matrices of all KnowledgeBases in one isolate together
 * (MemoryBudget: the least recently used is dropped first). A collection too large for the
 * whole budget (over ~24k lexical or ~32k OpenAI chunks) keeps no matrix: each dense search
 * then streams the vectors from SQLite (correct, but about a second at that size). The
 * per-row metadata (~100 bytes a row) and the weights are always kept. Candidates from the
 * int8 scan are re-scored from the exact Float32 vectors, so returned scores are exact.
 */
import { isStopWord, words } from "../../workers/embeddings/text.ts";
import {
  idf,
  passageTerms,
  questionTerms,
  termCoverage,
} from "../../workers/knowledge/relevance.ts";
import type { ChunkFilter } from "../../workers/knowledge/kb-rpc.ts";
import type { KnowledgeBaseSql, VectorRow } from "./knowledge-base.sql.ts";

/** Whether a chunk (by its document and collection) may be returned. */
export type ChunkPredicate = (documentId: string, collectionId: string | null) => boolean;

/** The predicate for a filter, given the documents of its agent (null = no agent filter); null when nothing is filtered. */
export function chunkPredicate(
  filter: ChunkFilter,
  agentDocuments: Set<string> | null,
): ChunkPredicate | null {
  const docs = filter.document_ids ? new Set(filter.document_ids) : null;
  const collection = filter.collection_id;
  if (!docs && !agentDocuments && collection === undefined) return null;
  return (doc, coll) =>
    (!agentDocuments || agentDocuments.has(doc)) &&
    (!docs || docs.has(doc)) &&
    (collection === undefined || coll === collection);
}

/** The most bytes of int8 vectors kept in memory: well inside the isolate's 128 MB. */
export const VECTOR_CACHE_BYTES = 48 * 1024 * 1024;
/** FTS5 MATCH expressions use at most this many distinct query words. */
const MAX_QUERY_TERMS = 32;

export interface Ranked {
  seq: number;
  score: number;
}

/** Keeps the `capacity` best (highest-scoring) items seen; a binary min-heap on score. */
export class TopK {
  private readonly scores: Float64Array;
  private readonly ids: Int32Array;
  private readonly capacity: number;
  private size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.scores = new Float64Array(Math.max(1, capacity));
    this.ids = new Int32Array(Math.max(1, capacity));
  }

  /** The lowest score kept once full; anything not above it cannot enter. */
  get floor(): number {
    return this.size < this.capacity ? -Infinity : (this.scores[0] ?? -Infinity);
  }

  push(id: number, score: number): void {
    if (this.capacity <= 0) return;
    if (this.size < this.capacity) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((this.scores[parent] ?? 0) <= score) break;
        this.scores[i] = this.scores[parent] ?? 0;
        this.ids[i] = this.ids[parent] ?? 0;
        i = parent;
      }
      this.scores[i] = score;
      this.ids[i] = id;
      return;
    }
    if (score <= (this.scores[0] ?? 0)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && (this.scores[r] ?? 0) < (this.scores[l] ?? 0) ? r : l;
      if ((this.scores[c] ?? 0) >= score) break;
      this.scores[i] = this.scores[c] ?? 0;
      this.ids[i] = this.ids[c] ?? 0;
      i = c;
    }
    this.scores[i] = score;
    this.ids[i] = id;
  }

  /** Best first. */
  sorted(): { id: number; score: number }[] {
    const out: { id: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++)
      out.push({ id: this.ids[i] ?? 0, score: this.scores[i] ?? 0 });
    return out.sort((a, b) => b.score - a.score);
  }
}

/** A query prepared against one index: weighted components and which are non-zero. */
interface PreparedQuery {
  /** q[d] * w[d]^2, so a dot product with a raw vector gives the weighted-space dot. */
  weighted: Float64Array;
  /** The non-zero dimensions, in order. */
  nonZero: Int32Array;
  norm: number;
}

/**
 * One budget for the int8 matrices of every KnowledgeBase in this isolate: Durable Objects
 * of one class can share an isolate, and 128 MB is for all of them. Reserving room drops the
 * least recently used other indexes (their next search rebuilds them).
 */
export class MemoryBudget {
  private readonly holders = new Map<object, { bytes: number; used: number; drop: () => void }>();
  private clock = 0;
  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  get used(): number {
    let sum = 0;
    for (const h of this.holders.values()) sum += h.bytes;
    return sum;
  }

  /** Makes room for `bytes` for `owner`; false (and nothing dropped) when it can never fit. */
  reserve(owner: object, bytes: number, drop: () => void): boolean {
    this.release(owner);
    if (bytes > this.limit) return false;
    const others = [...this.holders].sort((a, b) => a[1].used - b[1].used);
    while (this.used + bytes > this.limit) {
      const oldest = others.shift();
      if (!oldest) return false;
      this.holders.delete(oldest[0]);
      oldest[1].drop();
    }
    this.holders.set(owner, { bytes, used: ++this.clock, drop });
    return true;
  }

  touch(owner: object): void {
    const h = this.holders.get(owner);
    if (h) h.used = ++this.clock;
  }

  release(owner: object): void {
    this.holders.delete(owner);
  }
}

export const isolateBudget = new MemoryBudget(VECTOR_CACHE_BYTES);

/**
 * The dense index of one KnowledgeBase, built from SQLite on the first search after a write
 * and dropped on every write.
 *
 * The int8 matrix is stored column by column (dimension-major): a query adds up only its
 * non-zero dimensions, each a contiguous run of one byte per chunk, so a 20-word lexical
 * query touches 20 x 20k bytes in order instead of 20 scattered bytes in each of 20k rows.
 */
export class VectorIndex {
  readonly rows: number;
  readonly dimensions: number;
  readonly seqs: Int32Array;
  readonly documentIds: string[];
  readonly collectionIds: (string | null)[];
  /** Per-dimension weight: BM25 IDF of "non-zero in this dimension". */
  readonly weights: Float64Array;
  /** int8 vectors, dimension-major (value of row r, dimension d at d * rows + r); null when streaming. */
  private readonly matrix: Int8Array | null;
  /** Per-row: matrix value x scale = stored value. */
  private readonly scales: Float32Array;
  /** Per-row norm of the weighted vector. */
  private readonly norms: Float32Array;
  private readonly scratch: Float32Array;

  private constructor(
    dimensions: number,
    parts: {
      seqs: Int32Array;
      documentIds: string[];
      collectionIds: (string | null)[];
      weights: Float64Array;
      matrix: Int8Array | null;
      scales: Float32Array;
      norms: Float32Array;
    },
  ) {
    this.dimensions = dimensions;
    this.rows = parts.seqs.length;
    this.seqs = parts.seqs;
    this.documentIds = parts.documentIds;
    this.collectionIds = parts.collectionIds;
    this.weights = parts.weights;
    this.matrix = parts.matrix;
    this.scales = parts.scales;
    this.norms = parts.norms;
    this.scratch = new Float32Array(parts.matrix ? this.rows : 0);
  }

  /** Bytes held by the index's typed arrays (strings not counted). */
  get bytes(): number {
    return (
      (this.matrix?.byteLength ?? 0) +
      this.seqs.byteLength +
      this.scales.byteLength +
      this.norms.byteLength +
      this.weights.byteLength +
      this.scratch.byteLength
    );
  }

  get resident(): boolean {
    return this.matrix !== null;
  }

  /**
   * Reads every vector once: quantises it into the matrix when `reserve` grants the bytes,
   * and counts the chunks non-zero in each dimension.
   */
  static build(
    store: KnowledgeBaseSql,
    dimensions: number,
    rowCount: number,
    reserve: (bytes: number) => boolean,
  ): VectorIndex {
    const stride = rowCount;
    const matrix =
      stride > 0 && reserve(stride * dimensions) ? new Int8Array(stride * dimensions) : null;
    const seqs = new Int32Array(stride);
    const scales = new Float32Array(stride);
    const documentIds: string[] = [];
    const collectionIds: (string | null)[] = [];
    const nonZero = new Float64Array(dimensions);
    let n = 0;
    for (const row of store.vectorRows()) {
      // rowCount was read in the same synchronous turn, so no chunk can have been added since.
      if (n >= stride) break;
      const v = new Float32Array(row.vector);
      if (v.length !== dimensions) continue;
      let max = 0;
      for (let d = 0; d < dimensions; d++) {
        const x = v[d] ?? 0;
        if (x === 0) continue;
        nonZero[d] = (nonZero[d] ?? 0) + 1;
        const a = Math.abs(x);
        if (a > max) max = a;
      }
      const scale = max / 127;
      scales[n] = scale;
      if (matrix && scale > 0) {
        const inv = 1 / scale;
        for (let d = 0; d < dimensions; d++) {
          const x = v[d] ?? 0;
          if (x !== 0) matrix[d * stride + n] = Math.round(x * inv);
        }
      }
      seqs[n] = row.seq;
      documentIds.push(row.document_id);
      collectionIds.push(row.collection_id);
      n++;
    }
    const weights = new Float64Array(dimensions);
    for (let d = 0; d < dimensions; d++) weights[d] = idf(n, nonZero[d] ?? 0);
    const norms = new Float32Array(n);
    if (matrix) {
      for (let d = 0; d < dimensions; d++) {
        const w = weights[d] ?? 0;
        const col = d * stride;
        for (let r = 0; r < n; r++) {
          const x = (matrix[col + r] ?? 0) * w;
          norms[r] = (norms[r] ?? 0) + x * x;
        }
      }
      for (let r = 0; r < n; r++) norms[r] = Math.sqrt(norms[r] ?? 0) * (scales[r] ?? 0);
    } else {
      let r = 0;
      for (const row of store.vectorRows()) {
        const v = new Float32Array(row.vector);
        if (v.length !== dimensions || r >= n) continue;
        norms[r++] = weightedNorm(v, weights);
      }
    }
    let packed = matrix;
    if (matrix && n < stride) {
      packed = new Int8Array(n * dimensions);
      for (let d = 0; d < dimensions; d++)
        packed.set(matrix.subarray(d * stride, d * stride + n), d * n);
    }
    return new VectorIndex(dimensions, {
      seqs: seqs.slice(0, n),
      documentIds,
      collectionIds,
      weights,
      matrix: packed,
      scales: scales.slice(0, n),
      norms,
    });
  }

  /**
   * The `depth` best chunks for a query vector among the rows `allowed` accepts, best first,
   * with exact scores (cosine in the weighted space, in [-1, 1]). Chunks sharing no non-zero
   * dimension with the query (score 0) are not returned.
   */
  search(
    store: KnowledgeBaseSql,
    query: ArrayLike<number>,
    depth: number,
    allowed: ((row: number) => boolean) | null,
  ): Ranked[] {
    const q = this.prepare(query);
    if (!q || depth <= 0) return [];
    const { matrix, scratch: scores, scales, norms, rows } = this;
    if (!matrix) return this.streamSearch(store, q, depth, allowed);
    scores.fill(0);
    for (let j = 0; j < q.nonZero.length; j++) {
      const d = q.nonZero[j] ?? 0;
      const w = q.weighted[d] ?? 0;
      const col = d * rows;
      for (let r = 0; r < rows; r++) scores[r] = (scores[r] ?? 0) + w * (matrix[col + r] ?? 0);
    }
    // int8 scores are close to exact; a wider pool re-scored exactly absorbs the difference.
    const pool = new TopK(Math.max(2 * depth, depth + 20));
    for (let r = 0; r < rows; r++) {
      const dot = scores[r] ?? 0;
      if (dot === 0 || dot * (scales[r] ?? 0) <= pool.floor * (norms[r] ?? 0)) continue;
      const norm = norms[r] ?? 0;
      if (norm === 0 || (allowed && !allowed(r))) continue;
      pool.push(r, (dot * (scales[r] ?? 0)) / norm);
    }
    const candidates = pool.sorted().map((c) => this.seqs[c.id] ?? 0);
    const vectors = store.vectorsBySeq(candidates);
    const exact: Ranked[] = [];
    for (const seq of candidates) {
      const v = vectors.get(seq);
      if (v) exact.push({ seq, score: this.exactScore(v, q) });
    }
    return exact
      .filter((e) => e.score !== 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, depth);
  }

  /** Exact cosines (in the weighted space, as `search` scores) of the chunks `seqs` for a query vector. */
  scoresOf(store: KnowledgeBaseSql, query: ArrayLike<number>, seqs: number[]): Map<number, number> {
    const out = new Map<number, number>();
    const q = this.prepare(query);
    if (!q) return out;
    for (const [seq, v] of store.vectorsBySeq(seqs))
      if (v.length === this.dimensions) out.set(seq, this.exactScore(v, q));
    return out;
  }

  /** The rows a chunk predicate admits, as a row predicate. */
  rowFilter(admits: ChunkPredicate | null): ((row: number) => boolean) | null {
    return admits && ((r) => admits(this.documentIds[r] ?? "", this.collectionIds[r] ?? null));
  }

  private prepare(query: ArrayLike<number>): PreparedQuery | null {
    if (query.length !== this.dimensions)
      throw new Error(
        `the query vector has ${query.length} dimensions; this knowledge base holds ${this.dimensions}`,
      );
    const weighted = new Float64Array(this.dimensions);
    const nz: number[] = [];
    let norm2 = 0;
    for (let d = 0; d < this.dimensions; d++) {
      const x = query[d] ?? 0;
      if (x === 0 || !Number.isFinite(x)) continue;
      const w = this.weights[d] ?? 0;
      weighted[d] = x * w * w;
      norm2 += x * w * (x * w);
      nz.push(d);
    }
    if (norm2 === 0) return null;
    return { weighted, nonZero: Int32Array.from(nz), norm: Math.sqrt(norm2) };
  }

  private exactScore(v: Float32Array, q: PreparedQuery): number {
    const norm = weightedNorm(v, this.weights);
    if (norm === 0) return 0;
    let dot = 0;
    for (let j = 0; j < q.nonZero.length; j++) {
      const d = q.nonZero[j] ?? 0;
      dot += (q.weighted[d] ?? 0) * (v[d] ?? 0);
    }
    return dot / (norm * q.norm);
  }

  private streamSearch(
    store: KnowledgeBaseSql,
    q: PreparedQuery,
    depth: number,
    allowed: ((row: number) => boolean) | null,
  ): Ranked[] {
    const top = new TopK(depth);
    let r = 0;
    for (const row of store.vectorRows() as Iterable<VectorRow>) {
      const v = new Float32Array(row.vector);
      if (v.length !== this.dimensions || r >= this.rows) continue;
      const index = r++;
      if (allowed && !allowed(index)) continue;
      const score = this.exactScore(v, q);
      if (score !== 0) top.push(row.seq, score);
    }
    return top.sorted().map((c) => ({ seq: c.id, score: c.score }));
  }
}

function weightedNorm(v: Float32Array, weights: Float64Array): number {
  let s = 0;
  for (let d = 0; d < v.length; d++) {
    const x = (v[d] ?? 0) * (weights[d] ?? 0);
    s += x * x;
  }
  return Math.sqrt(s);
}

/**
 * An FTS5 MATCH expression for free text that no input can break: the query's words (the
 * same split as the lexical embedding: letters and digits only), each double-quoted as an
 * FTS5 string, OR-ed so BM25 ranks partial matches. Operators, column filters, NEAR(),
 * `*`, `-`, `:` and quotes in the input become plain separators. Stop words are left out
 * unless the query has nothing else ("to be or not to be"). Null when there is no word.
 */
export function fulltextMatch(text: string): string | null {
  const all = [...new Set(words(text))];
  const content = all.filter((w) => !isStopWord(w));
  const chosen = (content.length > 0 ? content : all).slice(0, MAX_QUERY_TERMS);
  if (chosen.length === 0) return null;
  return chosen.map((w) => `"${w}"`).join(" OR ");
}

/** BM25 (positive, unbounded) mapped monotonically into [0, 1): s / (s + 10). */
export const normaliseBm25 = (bm25: number) => (bm25 > 0 ? bm25 / (bm25 + 10) : 0);

/**
 * Each chunk's text relevance to a question (workers/knowledge/relevance.ts): the share of
 * the question's terms it contains, weighted by their IDF over this knowledge base's chunks.
 * Chunk counts per term are read through FTS5 (its own tokenizer) and cached in `df` until
 * the next write.
 */
export function textScores(
  store: KnowledgeBaseSql,
  question: string,
  chunks: { seq: number; text: string }[],
  df: Map<string, number>,
): Map<number, number> {
  const out = new Map<number, number>();
  const terms = questionTerms(question);
  if (terms.length === 0 || chunks.length === 0) return out;
  const n = store.chunkCount();
  const weights = new Map<string, number>();
  for (const { term, word } of terms) {
    let count = df.get(term);
    if (count === undefined) {
      count = store.chunksContaining(word);
      df.set(term, count);
    }
    weights.set(term, idf(n, count));
  }
  for (const c of chunks) {
    const coverage = termCoverage(terms, passageTerms(c.text), (t) => weights.get(t) ?? 0);
    if (coverage !== null) out.set(c.seq, coverage);
  }
  return out;
}
