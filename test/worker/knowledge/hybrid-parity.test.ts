/**
 * Hybrid search ranks alike in both stores: the KnowledgeBase Durable Object and QdrantStore
 * (over the fake Qdrant) fuse their dense and full-text lists with the same function and the
 * same model-dependent dense share (fusion.ts), so one fixture comes back in one order.
 *
 * The fixture is built so that the order says which fusion ran. Dense vectors have every
 * component non-zero, so the KnowledgeBase's IDF weighting leaves plain cosines, as in
 * Qdrant. Three chunks match the words, in the same order in both stores (their BM25
 * variants differ in scale only so much). The middle one ("M") lands above the best dense-only
 * chunk ("D") at the lexical embedding's quarter dense share and below it at a model's half
 * share; rank fusion (RRF, what QdrantStore did before) would put "L" above "D" as well.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LEXICAL_MODEL } from "../../../workers/embeddings/lexical.ts";
import { KnowledgeBaseStore } from "../../../workers/knowledge/kb-store.ts";
import { QdrantStore } from "../../../workers/knowledge/qdrant-store.ts";
import type {
  ChunkRecord,
  SearchQuery,
  VectorStore,
} from "../../../workers/knowledge/vector-store.ts";
import { FakeQdrant } from "./fake-qdrant.ts";

const fake = new FakeQdrant();
beforeAll(() => {
  vi.spyOn(globalThis, "fetch").mockImplementation(fake.fetch);
});
afterAll(() => {
  vi.restoreAllMocks();
});

/** A unit vector whose cosine with the query [1, 0, 0] is `c`, no component zero. */
const withCosine = (c: number) => [c, 0.8 * Math.sqrt(1 - c * c), 0.6 * Math.sqrt(1 - c * c)];
const QUERY: SearchQuery = { text: "moraine cirque", vector: [1, 0, 0], mode: "hybrid", top_k: 10 };

/** Name, text, cosine with the query. */
const FIXTURE: [string, string, number][] = [
  ["D", "Icebergs calve from tidewater glaciers into the fjord.", 0.9],
  ["A", "Cirque.", 0.5],
  ["M", "Moraine and moraine along the valley floor.", 0.454],
  ["L", "A moraine along the valley floor is here.", 0.2],
  ["F1", "Sourdough bread rises slowly.", 0.15],
  ["F2", "Satellites orbit the planet.", 0.13],
  ["F3", "Volcanoes erupt basaltic lava.", 0.11],
  ["F4", "Rivers carry silt to the delta.", 0.09],
  ["F5", "Deserts receive little rain.", 0.07],
  ["F6", "Coral reefs grow in warm seas.", 0.05],
];

const chunks = (): ChunkRecord[] =>
  FIXTURE.map(([name, text, c]) => ({
    id: `doc-${name}:0`,
    document_id: `doc-${name}`,
    document_name: name,
    chunk_index: 0,
    text,
    page: null,
    heading_path: [],
    agent_ids: ["agent"],
    collection_id: null,
    vector: withCosine(c),
  }));

async function hybridOrder(store: VectorStore, model: string): Promise<string[]> {
  const tenant = `parity-${crypto.randomUUID()}`;
  await store.upsert(tenant, { model, dimensions: 3 }, chunks());
  return (await store.search(tenant, QUERY)).map((h) => h.document_name);
}

describe("hybrid ranking in the KnowledgeBase and in Qdrant", () => {
  it.each([
    [LEXICAL_MODEL, ["A", "M", "D", "L", "F1", "F2", "F3", "F4", "F5", "F6"]],
    ["text-embedding-3-small", ["A", "D", "M", "L", "F1", "F2", "F3", "F4", "F5", "F6"]],
  ])(
    "orders the same chunks identically in both stores for %s vectors",
    async (model, expected) => {
      const kb = await hybridOrder(new KnowledgeBaseStore(env.KNOWLEDGE_BASE), model);
      const qdrant = await hybridOrder(new QdrantStore({ url: fake.origin }), model);
      expect(qdrant).toEqual(kb);
      expect(kb).toEqual(expected);
    },
  );
});
