/**
 * The KnowledgeBase attaches the similarity threshold's two absolute signals to every hit
 * (workers/knowledge/relevance.ts): `dense_score`, the chunk's cosine with the query vector
 * whatever the mode ranked by, and `text_score`, the IDF-weighted share of the question's terms
 * the chunk holds, with term counts that follow the knowledge base as documents come and go.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createLexicalEmbedder } from "../../../workers/embeddings/lexical.ts";
import { KnowledgeBaseStore } from "../../../workers/knowledge/kb-store.ts";
import type { SearchMode } from "../../../workers/knowledge/vector-store.ts";

const embedder = createLexicalEmbedder();
const store = new KnowledgeBaseStore(env.KNOWLEDGE_BASE);

async function add(tenant: string, doc: string, text: string) {
  const [vector] = await embedder.embed([text]);
  await store.upsert(tenant, embedder, [
    {
      id: `${doc}:0`,
      document_id: doc,
      document_name: doc,
      chunk_index: 0,
      text,
      page: null,
      heading_path: [],
      agent_ids: ["agent"],
      collection_id: null,
      vector: vector ?? [],
    },
  ]);
}

async function search(tenant: string, text: string, mode: SearchMode) {
  const [vector] = await embedder.embed([text]);
  return store.search(tenant, {
    text,
    mode,
    top_k: 5,
    agent_id: "agent",
    ...(mode === "fulltext" ? {} : { vector }),
  });
}

async function library() {
  const tenant = `signals-${crypto.randomUUID()}`;
  await add(
    tenant,
    "volcano",
    "Vesuvius last erupted in 1944; the towns around Naples will be evacuated when it erupts again.",
  );
  await add(
    tenant,
    "bread",
    "Sourdough bread rises slowly with a wild yeast starter in many towns.",
  );
  await add(tenant, "orbit", "A geostationary satellite orbits the Earth once per sidereal day.");
  return tenant;
}

describe("relevance signals on KnowledgeBase hits", () => {
  it("gives every hit its cosine and its term coverage, in every mode that has them", async () => {
    const tenant = await library();
    const question = "When did Vesuvius last erupt?";
    const dense = await search(tenant, question, "dense");
    for (const mode of ["hybrid", "fulltext"] as const) {
      const hits = await search(tenant, question, mode);
      expect(hits.length).toBeGreaterThan(0);
      for (const h of hits) {
        expect(h.text_score).toBeGreaterThanOrEqual(0);
        expect(h.text_score).toBeLessThanOrEqual(1);
        if (mode === "fulltext") expect(h.dense_score).toBeUndefined();
        else
          expect(h.dense_score).toBeCloseTo(
            dense.find((d) => d.chunk_id === h.chunk_id)?.score ?? Number.NaN,
            5,
          );
      }
    }
    expect(dense[0]).toMatchObject({ document_id: "volcano", text_score: 1 });
  });

  it("scores a word most documents share far below the question's rare words", async () => {
    const tenant = await library();
    const [weak] = await search(tenant, "cheapest towns for train tickets", "hybrid");
    const [strong] = await search(tenant, "Vesuvius towns evacuated", "hybrid");
    expect(weak?.text_score).toBeLessThan(0.15);
    expect(strong?.text_score).toBe(1);
  });

  it("counts terms afresh after a write", async () => {
    const tenant = await library();
    const question = "satellite launch";
    const orbitScore = async () =>
      (await search(tenant, question, "fulltext")).find((h) => h.document_id === "orbit")
        ?.text_score ?? Number.NaN;
    // "launch" is in no chunk: the heavier term, and the orbit chunk lacks it.
    expect(await orbitScore()).toBeLessThan(0.4);
    await add(tenant, "rocket", "The rocket launch was delayed by rain.");
    // Now each term is in one chunk of four: equal weights, the orbit chunk holds one of two.
    expect(await orbitScore()).toBeCloseTo(0.5, 5);
  });
});
