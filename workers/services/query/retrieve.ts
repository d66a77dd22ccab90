/**
 * The query service, called directly (request/response) by execution: the passages of the
 * agent's own documents that best match the visitor's message, per the agent's query_config.
 * `simple` retrieves nothing; `rag` searches in the configured mode; `advanced` searches hybrid
 * (query rewriting from the conversation is for the ReAct issue). The similarity threshold
 * applies to dense scores (cosine); full-text and hybrid rank by BM25/RRF, which have no
 * absolute scale, so there the LLM is told to say when the passages do not cover a question.
 */
import type { QueryConfig } from "../../../shared/config.ts";
import type { AgentSnapshot } from "../../chat/agent-snapshot.ts";
import { selectEmbedder } from "../../embeddings/select.ts";
import type { WorkerEnv } from "../../env.ts";
import { selectVectorStore } from "../../knowledge/select.ts";
import type { SearchHit, SearchMode } from "../../knowledge/vector-store.ts";
import type { Passage } from "../../llm/types.ts";

export interface SearchRequest {
  tenantId: string;
  agentId: string;
  query: string;
  topK: number;
  mode: SearchMode;
  similarityThreshold?: number;
}

/** Ranked chunks of one agent's documents (also the owners' hit-testing endpoint). */
export async function searchKnowledge(env: WorkerEnv, req: SearchRequest): Promise<SearchHit[]> {
  const store = selectVectorStore(env);
  const info = await store.collectionInfo(req.tenantId);
  if (!info || info.chunks === 0) return [];
  let mode = req.mode;
  let vector: number[] | undefined;
  if (mode !== "fulltext") {
    const embedder = selectEmbedder(env);
    // Vectors made by another model are not comparable: fall back to words alone.
    if (embedder.model === info.embedding_model && embedder.dimensions === info.dimensions) vector = (await embedder.embed([req.query]))[0];
    else mode = "fulltext";
  }
  const hits = await store.search(req.tenantId, { text: req.query, ...(vector ? { vector } : {}), mode, top_k: req.topK, agent_id: req.agentId });
  const threshold = req.similarityThreshold;
  return mode === "dense" && threshold !== undefined ? hits.filter((h) => h.score >= threshold) : hits;
}

export function searchModeFor(config: QueryConfig): SearchMode {
  return config.mode === "advanced" ? "hybrid" : config.search_mode;
}

/** Passages for the prompt of a chat turn. */
export async function retrievePassages(env: WorkerEnv, agent: AgentSnapshot, query: string): Promise<Passage[]> {
  const config = agent.query_config;
  if (config.mode === "simple") return [];
  const hits = await searchKnowledge(env, {
    tenantId: agent.tenant_id,
    agentId: agent.id,
    query,
    topK: config.top_k,
    mode: searchModeFor(config),
    similarityThreshold: config.similarity_threshold,
  });
  return hits.map((h) => ({ document_id: h.document_id, document_name: h.document_name, page: h.page, text: h.text, score: h.score }));
}
