/**
 * The VectorStore contract against the embedded store: each tenant's KnowledgeBase Durable
 * Object (SQLite + FTS5 + the in-memory vector index), including eviction. Then the
 * KnowledgeBase's own ranking quality on both retrieval sets of ../shared/eval: hybrid must
 * meet the scifact-mini target and never fall clearly below the better of its two lists.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createLexicalEmbedder } from "../../../workers/embeddings/lexical.ts";
import { KnowledgeBaseStore } from "../../../workers/knowledge/kb-store.ts";
import type { SearchMode } from "../../../workers/knowledge/vector-store.ts";
import { scifact, squad } from "./retrieval-fixtures.ts";
import type { EvalDoc } from "./retrieval-fixtures.ts";
import { vectorStoreContract } from "./vector-store-contract.ts";

vectorStoreContract("KnowledgeBase", () => new KnowledgeBaseStore(env.KNOWLEDGE_BASE), {
  evict: (tenantId) =>
    evictDurableObject(env.KNOWLEDGE_BASE.get(env.KNOWLEDGE_BASE.idFromName(tenantId))),
});

const embedder = createLexicalEmbedder();

/** nDCG@10 with binary relevance. */
function ndcg10(ranked: string[], relevant: Set<string>): number {
  let dcg = 0;
  ranked.slice(0, 10).forEach((id, i) => (dcg += relevant.has(id) ? 1 / Math.log2(i + 2) : 0));
  let ideal = 0;
  for (let i = 0; i < Math.min(relevant.size, 10); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

async function meanNdcg(
  docs: EvalDoc[],
  queries: { text: string; relevant: Set<string> }[],
): Promise<Record<SearchMode, number>> {
  const store = new KnowledgeBaseStore(env.KNOWLEDGE_BASE);
  const tenant = `quality-${crypto.randomUUID()}`;
  const texts = docs.map((d) => `${d.title}\n${d.text}`);
  const vectors = await embedder.embed(texts);
  await store.upsert(
    tenant,
    embedder,
    docs.map((d, i) => ({
      id: `${d.id}:0`,
      document_id: d.id,
      document_name: d.title,
      chunk_index: 0,
      text: texts[i] ?? "",
      page: null,
      heading_path: [],
      agent_ids: ["agent"],
      collection_id: null,
      vector: vectors[i] ?? [],
    })),
  );
  const queryVectors = await embedder.embed(queries.map((q) => q.text));
  const out = { dense: 0, fulltext: 0, hybrid: 0 };
  for (const mode of ["dense", "fulltext", "hybrid"] as const) {
    for (const [i, q] of queries.entries()) {
      const hits = await store.search(tenant, {
        text: q.text,
        vector: queryVectors[i],
        mode,
        top_k: 10,
        agent_id: "agent",
      });
      out[mode] +=
        ndcg10(
          hits.map((h) => h.document_id),
          q.relevant,
        ) / queries.length;
    }
  }
  return out;
}

describe("KnowledgeBase ranking quality", () => {
  it(
    "hybrid meets the scifact-mini target (nDCG@10 >= 0.83) and beats both its lists there",
    { timeout: 120_000 },
    async () => {
      const q = await meanNdcg(scifact.corpus(), scifact.judged());
      expect(q.hybrid).toBeGreaterThanOrEqual(0.83);
      expect(q.hybrid).toBeGreaterThan(Math.max(q.dense, q.fulltext));
    },
  );

  it(
    "hybrid on SQuAD questions is no worse than the better list by more than 0.01 nDCG@10",
    { timeout: 120_000 },
    async () => {
      const q = await meanNdcg(squad.corpus(), squad.judged());
      expect(q.hybrid).toBeGreaterThanOrEqual(Math.max(q.dense, q.fulltext) - 0.01);
    },
  );
});
