/**
 * KnowledgeBase: one per tenant, named by the tenant id (`idFromName(tenantId)`), so tenant
 * isolation holds by construction: an instance only ever holds one tenant's chunks. It is
 * the embedded vector store used when QDRANT_URL is not set (workers/knowledge/kb-store.ts).
 *
 * It owns, in its SQLite storage: the chunks (text, metadata, Float32 vector), which agents
 * may read each document, an FTS5 index over the text, and the collection's embedding model
 * and dimensions (a collection never mixes them). In memory it keeps only a cache, the
 * int8 vector index (knowledge-base.search.ts), rebuilt on the first search after a write or
 * a restart, so eviction and hibernation lose nothing. It holds no sockets and no alarms.
 *
 * Searches: dense (cosine over the index), fulltext (FTS5 BM25) and hybrid (both lists fused
 * by normalised score, the dense share set by the collection's embedding model; see
 * workers/knowledge/fusion.ts). Scores are higher-is-better: dense in [-1, 1], fulltext in
 * [0, 1), hybrid in [0, 1] (comparable within one query only). Every hit also carries its
 * absolute relevance signals, `dense_score` and `text_score`, whatever the mode ranked by, for
 * the agent's similarity threshold (workers/knowledge/relevance.ts).
 */
import { DurableObject } from "cloudflare:workers";
import type { CollectionInfo, SearchHit } from "../../workers/knowledge/vector-store.ts";
import type { WorkerEnv } from "../../workers/env.ts";
import type {
  ChunkFilter,
  EmbeddingMeta,
  KnowledgeBaseRpc,
  KnowledgeSearch,
  StoredChunk,
  UpsertResult,
} from "../../workers/knowledge/kb-rpc.ts";
import { KnowledgeBaseSql } from "./knowledge-base.sql.ts";
import type { ChunkRow } from "./knowledge-base.sql.ts";
import {
  HYBRID_DEPTH_FACTOR,
  denseWeightFor,
  fuseByScore,
} from "../../workers/knowledge/fusion.ts";
import {
  VectorIndex,
  chunkPredicate,
  fulltextMatch,
  isolateBudget,
  normaliseBm25,
  textScores,
} from "./knowledge-base.search.ts";
import type { ChunkPredicate, Ranked } from "./knowledge-base.search.ts";

/** What the in-memory index holds, for benchmarks and operators. */
export interface IndexStats {
  chunks: number;
  built: boolean;
  resident: boolean;
  bytes: number;
}

export class KnowledgeBase extends DurableObject<WorkerEnv> implements KnowledgeBaseRpc {
  private readonly store: KnowledgeBaseSql;
  private index: VectorIndex | null = null;
  /** Each agent's documents, read once per agent between writes (a 20k-row read costs ~30 ms). */
  private readonly agentDocuments = new Map<string, Set<string>>();
  /** Chunks containing each question term, counted once per term between writes (relevance signals). */
  private readonly termCounts = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: WorkerEnv) {
    super(ctx, env);
    this.store = new KnowledgeBaseSql(ctx.storage.sql);
  }

  // ---- RPC (workers/knowledge/kb-rpc.ts): the VectorStore operations, minus the tenant ----

  /**
   * Inserts or overwrites chunks by id and sets each batch document's agents from its
   * chunks. Refused, changing nothing, when the embedding differs from the collection's
   * (unless the collection is empty) or a vector's length is not `embedding.dimensions`.
   */
  async upsert(embedding: EmbeddingMeta, chunks: StoredChunk[]): Promise<UpsertResult> {
    const current = this.store.meta();
    if (
      current &&
      (current.model !== embedding.model || current.dimensions !== embedding.dimensions) &&
      this.store.chunkCount() > 0
    ) {
      return mismatch(
        `This knowledge base holds ${current.model} vectors (${current.dimensions} dimensions); it cannot add ${embedding.model} vectors (${embedding.dimensions}). Delete its documents or re-index them all with one model.`,
      );
    }
    const wrong = chunks.find((c) => c.vector.length !== embedding.dimensions);
    if (wrong)
      return mismatch(
        `Chunk ${wrong.id} has a ${wrong.vector.length}-dimension vector; ${embedding.model} vectors have ${embedding.dimensions}.`,
      );
    if (chunks.length === 0) return { ok: true, upserted: 0 };
    this.ctx.storage.transactionSync(() => {
      if (
        !current ||
        current.model !== embedding.model ||
        current.dimensions !== embedding.dimensions
      )
        this.store.setMeta(embedding);
      const agentsByDocument = new Map<string, string[]>();
      for (const chunk of chunks) {
        this.store.upsertChunk(chunk);
        agentsByDocument.set(chunk.document_id, chunk.agent_ids);
      }
      for (const [documentId, agentIds] of agentsByDocument)
        this.store.setDocumentAgents(documentId, agentIds);
    });
    this.invalidate();
    return { ok: true, upserted: chunks.length };
  }

  async search(query: KnowledgeSearch): Promise<SearchHit[]> {
    const topK = Math.max(0, Math.floor(query.top_k));
    if (topK === 0) return [];
    const filter: ChunkFilter = {
      agent_id: query.agent_id,
      document_ids: query.document_ids,
      collection_id: query.collection_id,
    };
    const admits = chunkPredicate(
      filter,
      filter.agent_id === undefined ? null : this.documentsOf(filter.agent_id),
    );
    let ranked: Ranked[];
    if (query.mode === "fulltext") {
      ranked = this.fulltext(query.text, admits, topK).map((r) => ({
        seq: r.seq,
        score: normaliseBm25(r.score),
      }));
    } else {
      if (!query.vector) throw new Error(`${query.mode} search needs the query's vector`);
      if (query.mode === "dense") {
        ranked = this.dense(query.vector, admits, topK);
      } else {
        const depth = topK * HYBRID_DEPTH_FACTOR;
        const dense = this.dense(query.vector, admits, depth);
        const text = this.fulltext(query.text, admits, depth);
        const weight = denseWeightFor(this.store.meta()?.model ?? "");
        ranked = fuseByScore(dense, text, weight).slice(0, topK);
      }
    }
    return this.hits(ranked, query);
  }

  async deleteDocument(documentId: string): Promise<{ deleted: number }> {
    const deleted = this.ctx.storage.transactionSync(() => this.store.deleteDocument(documentId));
    this.invalidate();
    return { deleted };
  }

  /** Replaces which agents may read a document (also for a document with no chunks yet). */
  async setDocumentAgents(documentId: string, agentIds: string[]): Promise<void> {
    this.ctx.storage.transactionSync(() => this.store.setDocumentAgents(documentId, agentIds));
    this.agentDocuments.clear();
  }

  async countDocumentChunks(documentId: string): Promise<number> {
    return this.store.countDocumentChunks(documentId);
  }

  async collectionInfo(): Promise<CollectionInfo | null> {
    const meta = this.store.meta();
    return meta
      ? {
          embedding_model: meta.model,
          dimensions: meta.dimensions,
          chunks: this.store.chunkCount(),
        }
      : null;
  }

  /** Builds the index if needed and says what it holds. */
  async indexStats(): Promise<IndexStats> {
    const index = this.vectorIndex();
    return {
      chunks: this.store.chunkCount(),
      built: index !== null,
      resident: index?.resident ?? false,
      bytes: index?.bytes ?? 0,
    };
  }

  // ---- private helpers ----

  private vectorIndex(): VectorIndex | null {
    if (this.index) {
      isolateBudget.touch(this);
      return this.index;
    }
    const meta = this.store.meta();
    if (!meta) return null;
    this.index = VectorIndex.build(this.store, meta.dimensions, this.store.chunkCount(), (bytes) =>
      isolateBudget.reserve(this, bytes, () => {
        this.index = null;
      }),
    );
    return this.index;
  }

  private invalidate(): void {
    this.index = null;
    isolateBudget.release(this);
    this.agentDocuments.clear();
    this.termCounts.clear();
  }

  private documentsOf(agentId: string): Set<string> {
    let docs = this.agentDocuments.get(agentId);
    if (!docs) {
      docs = this.store.documentsOfAgent(agentId);
      this.agentDocuments.set(agentId, docs);
    }
    return docs;
  }

  private dense(vector: Float32Array, admits: ChunkPredicate | null, depth: number): Ranked[] {
    const index = this.vectorIndex();
    if (!index || index.rows === 0) return [];
    return index.search(this.store, vector, depth, index.rowFilter(admits));
  }

  /**
   * FTS5 ranks every matching row whatever the filter, so the filter is applied to its best
   * rows here; when too few pass, the next attempt asks for eight times as many.
   */
  private fulltext(text: string, admits: ChunkPredicate | null, depth: number): Ranked[] {
    const match = fulltextMatch(text);
    if (!match) return [];
    for (let limit = admits ? depth * 4 : depth; ; limit *= 8) {
      const rows = this.store.fulltext(match, limit);
      const kept = admits ? rows.filter((r) => admits(r.document_id, r.collection_id)) : rows;
      if (kept.length >= depth || rows.length < limit)
        return kept.slice(0, depth).map((r) => ({ seq: r.seq, score: r.bm25 }));
    }
  }

  /** The ranked chunks as hits, each with its absolute relevance signals (for the similarity threshold). */
  private hits(ranked: Ranked[], query: KnowledgeSearch): SearchHit[] {
    const seqs = ranked.map((r) => r.seq);
    const rows = this.store.rowsBySeq(seqs);
    const index = query.vector ? this.vectorIndex() : null;
    const dense =
      index && query.vector
        ? index.scoresOf(this.store, query.vector, seqs)
        : new Map<number, number>();
    const text = textScores(this.store, query.text, [...rows.values()], this.termCounts);
    const hits: SearchHit[] = [];
    for (const r of ranked) {
      const row = rows.get(r.seq);
      if (row) hits.push(toHit(row, r.score, dense.get(r.seq), text.get(r.seq)));
    }
    return hits;
  }
}

const mismatch = (message: string): UpsertResult => ({
  ok: false,
  code: "EMBEDDING_MISMATCH",
  message,
});

function toHit(
  row: ChunkRow,
  score: number,
  denseScore: number | undefined,
  textScore: number | undefined,
): SearchHit {
  const headings: unknown = JSON.parse(row.heading_path);
  return {
    ...(denseScore === undefined ? {} : { dense_score: denseScore }),
    ...(textScore === undefined ? {} : { text_score: textScore }),
    chunk_id: row.id,
    document_id: row.document_id,
    document_name: row.document_name,
    chunk_index: row.chunk_index,
    text: row.text,
    page: row.page,
    heading_path: Array.isArray(headings)
      ? headings.filter((h): h is string => typeof h === "string")
      : [],
    score,
  };
}
