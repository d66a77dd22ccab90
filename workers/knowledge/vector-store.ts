/**
 * One interface for where chunks and their vectors live: Qdrant when QDRANT_URL is set,
 * otherwise the tenant's KnowledgeBase Durable Object. The tenant id is a required argument
 * of every call; implementations must never return another tenant's chunks.
 */
import type { SEARCH_MODES } from "../../shared/config.ts";

export type SearchMode = (typeof SEARCH_MODES)[number];

/** A chunk as stored: id is deterministic from document id + chunk index, so re-indexing overwrites. */
export interface ChunkRecord {
  id: string;
  document_id: string;
  document_name: string;
  chunk_index: number;
  text: string;
  page: number | null;
  heading_path: string[];
  /** Agents allowed to retrieve this chunk (the document's assignment). */
  agent_ids: string[];
  collection_id: string | null;
  vector: number[];
}

export interface SearchQuery {
  text: string;
  /** The query's embedding (dense and hybrid modes). */
  vector?: number[];
  mode: SearchMode;
  top_k: number;
  /** Only chunks assignable to this agent. */
  agent_id?: string;
  document_ids?: string[];
  collection_id?: string;
}

export interface SearchHit {
  chunk_id: string;
  document_id: string;
  document_name: string;
  chunk_index: number;
  text: string;
  page: number | null;
  heading_path: string[];
  /** Higher is better. Dense: cosine similarity; full-text: normalised BM25; hybrid: a fused score (see fusion.ts), comparable within one query only. */
  score: number;
  /**
   * Cosine similarity of the chunk's and the query's vectors, whatever the mode ranked by
   * (absent when the search had no query vector). Read by the similarity threshold (relevance.ts).
   */
  dense_score?: number;
  /**
   * IDF-weighted share of the query's terms the chunk contains, in [0, 1]
   * (relevance.ts `termCoverage`, IDF over the tenant's chunks). Read by the similarity threshold.
   */
  text_score?: number;
}

export interface CollectionInfo {
  embedding_model: string;
  dimensions: number;
  chunks: number;
}

export interface VectorStore {
  /** Inserts or overwrites chunks by id. Fails with EMBEDDING_MISMATCH (409) if the model or dimensions differ from the tenant's collection. */
  upsert(
    tenantId: string,
    embedding: { model: string; dimensions: number },
    chunks: ChunkRecord[],
  ): Promise<{ upserted: number }>;
  search(tenantId: string, query: SearchQuery): Promise<SearchHit[]>;
  deleteDocument(tenantId: string, documentId: string): Promise<{ deleted: number }>;
  /** Replaces which agents may retrieve a document's chunks. */
  setDocumentAgents(tenantId: string, documentId: string, agentIds: string[]): Promise<void>;
  countDocumentChunks(tenantId: string, documentId: string): Promise<number>;
  collectionInfo(tenantId: string): Promise<CollectionInfo | null>;
}
