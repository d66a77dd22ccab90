/**
 * The similarity threshold with a store whose hits carry no relevance signals of their own
 * (the Qdrant store today, on the in-memory fake Qdrant): the query service judges each hit
 * by the plain share of the question's terms it holds (workers/knowledge/relevance.ts
 * `withSignals`), so the default threshold keeps a covered question's passage and drops an
 * off-topic one's, instead of dropping everything or nothing.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CONFIG_LIMITS } from "../../../shared/config.ts";
import { createLexicalEmbedder } from "../../../workers/embeddings/lexical.ts";
import type { Secrets, WorkerEnv } from "../../../workers/env.ts";
import { QdrantStore } from "../../../workers/knowledge/qdrant-store.ts";
import { searchKnowledge } from "../../../workers/chat/retrieve.ts";
import { FakeQdrant } from "../knowledge/fake-qdrant.ts";

const fake = new FakeQdrant();
const realFetch = globalThis.fetch.bind(globalThis);
beforeAll(() => {
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) =>
    new Request(input, init).url.startsWith(fake.origin)
      ? fake.fetch(input, init)
      : realFetch(input, init),
  );
});
afterAll(() => {
  vi.restoreAllMocks();
});

const NO_KEYS: Secrets = {
  OPENAI_API_KEY: undefined,
  OPENAI_BASE_URL: undefined,
  QDRANT_API_KEY: undefined,
};
const qdrantEnv: WorkerEnv = { ...env, ...NO_KEYS, QDRANT_URL: fake.origin };
const embedder = createLexicalEmbedder();

const DOCS = [
  {
    id: "doc-vesuvius",
    text: "Vesuvius last erupted in 1944; when it erupts again the towns around Naples will be evacuated.",
  },
  {
    id: "doc-bread",
    text: "Sourdough bread rises slowly with a wild yeast starter and a long fermentation.",
  },
];

async function tenantWithDocuments(): Promise<string> {
  const tenant = crypto.randomUUID();
  const vectors = await embedder.embed(DOCS.map((d) => d.text));
  await new QdrantStore({ url: fake.origin }).upsert(
    tenant,
    embedder,
    DOCS.map((d, i) => ({
      id: `${d.id}:0`,
      document_id: d.id,
      document_name: d.id,
      chunk_index: 0,
      text: d.text,
      page: null,
      heading_path: [],
      agent_ids: ["agent"],
      collection_id: null,
      vector: vectors[i] ?? [],
    })),
  );
  return tenant;
}

const search = (tenantId: string, query: string, similarityThreshold?: number) =>
  searchKnowledge(qdrantEnv, {
    tenantId,
    agentId: "agent",
    query,
    topK: 5,
    mode: "hybrid",
    ...(similarityThreshold === undefined ? {} : { similarityThreshold }),
  });

describe("the similarity threshold on hits without signals", () => {
  it("keeps a covered question's passage and drops an off-topic question's at the default threshold", async () => {
    const tenant = await tenantWithDocuments();
    const threshold = CONFIG_LIMITS.similarityThreshold.default;
    expect(
      (await search(tenant, "When did Vesuvius last erupt?", threshold)).map((h) => h.document_id),
    ).toEqual(["doc-vesuvius"]);
    // "towns" alone matches the Vesuvius passage: found without a threshold, left out with it
    // (1 term of 8; without IDF a one-word match in a question of 6 terms or fewer gets through).
    const offTopic = "Which towns near the coast sell the cheapest train tickets this week?";
    expect((await search(tenant, offTopic)).map((h) => h.document_id)).toContain("doc-vesuvius");
    expect(await search(tenant, offTopic, threshold)).toEqual([]);
  });
});
