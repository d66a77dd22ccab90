/**
 * The VectorStore contract against the embedded store: each tenant's KnowledgeBase Durable
 * Object (SQLite + FTS5 + the in-memory vector index), including eviction.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { KnowledgeBaseStore } from "../../../workers/knowledge/kb-store.ts";
import { vectorStoreContract } from "./vector-store-contract.ts";

vectorStoreContract("KnowledgeBase", () => new KnowledgeBaseStore(env.KNOWLEDGE_BASE), {
  evict: (tenantId) => evictDurableObject(env.KNOWLEDGE_BASE.get(env.KNOWLEDGE_BASE.idFromName(tenantId))),
});
