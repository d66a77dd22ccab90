/**
 * The KnowledgeBase Durable Object's RPC surface, declared here so that the store calling it
 * (kb-store.ts) depends on a library interface, not on the object's class: the class
 * (durable-objects/knowledge-base/) implements it. It is the VectorStore interface minus the
 * tenant (one object per tenant), with vectors as Float32Array (half the bytes of numbers
 * over RPC, no per-element encoding).
 */
import type { ChunkRecord, CollectionInfo, SearchHit, SearchMode } from "./vector-store.ts";

/** What the KnowledgeBase stores for a chunk: a ChunkRecord whose vector travels as Float32Array. */
export type StoredChunk = Omit<ChunkRecord, "vector"> & { vector: Float32Array };

export interface EmbeddingMeta {
  model: string;
  dimensions: number;
}

/** Which chunks a search may return; every part is optional and they combine with AND. */
export interface ChunkFilter {
  agent_id?: string;
  document_ids?: string[];
  collection_id?: string;
}

/** A SearchQuery whose vector travels as Float32Array. */
export interface KnowledgeSearch extends ChunkFilter {
  text: string;
  vector?: Float32Array;
  mode: SearchMode;
  top_k: number;
}

export type UpsertResult =
  { ok: true; upserted: number } | { ok: false; code: "EMBEDDING_MISMATCH"; message: string };

export interface KnowledgeBaseRpc extends Rpc.DurableObjectBranded {
  /** Inserts or overwrites chunks by id; refused, changing nothing, on another model or dimension. */
  upsert(embedding: EmbeddingMeta, chunks: StoredChunk[]): Promise<UpsertResult>;
  search(query: KnowledgeSearch): Promise<SearchHit[]>;
  deleteDocument(documentId: string): Promise<{ deleted: number }>;
  setDocumentAgents(documentId: string, agentIds: string[]): Promise<void>;
  countDocumentChunks(documentId: string): Promise<number>;
  collectionInfo(): Promise<CollectionInfo | null>;
}
