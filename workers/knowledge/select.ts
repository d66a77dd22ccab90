/**
 * Choosing the vector store for this environment: Qdrant when QDRANT_URL is set, otherwise
 * each tenant's KnowledgeBase Durable Object.
 */
import type { WorkerEnv } from "../env.ts";
import { KnowledgeBaseStore } from "./kb-store.ts";
import { QdrantStore } from "./qdrant-store.ts";
import type { VectorStore } from "./vector-store.ts";

export function selectVectorStore(
  env: Pick<WorkerEnv, "KNOWLEDGE_BASE" | "QDRANT_URL" | "QDRANT_API_KEY">,
): VectorStore {
  if (env.QDRANT_URL) return new QdrantStore({ url: env.QDRANT_URL, apiKey: env.QDRANT_API_KEY });
  return new KnowledgeBaseStore(env.KNOWLEDGE_BASE);
}
