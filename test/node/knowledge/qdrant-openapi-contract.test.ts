/**
 * The VectorStore contract against QdrantStore talking over HTTP to the fake Qdrant, with
 * every request and every answer checked against Qdrant's own OpenAPI document (v1.19.0, in
 * ../shared/eval/qdrant-openapi): the adapter sends only what Qdrant's API accepts, and the
 * fake answers only what Qdrant's API can answer.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createLexicalEmbedder } from "../../../workers/embeddings/lexical.ts";
import { QdrantStore } from "../../../workers/knowledge/qdrant-store.ts";
import { MAX_TOP_K } from "../../../workers/knowledge/validate.ts";
import { QdrantSpec } from "../../support/qdrant-openapi.ts";
import { vectorStoreContract } from "../../worker/knowledge/vector-store-contract.ts";
import { startSpecCheckedQdrant } from "./spec-checked-qdrant.ts";

const qdrant = await startSpecCheckedQdrant(await QdrantSpec.load());
const embedder = createLexicalEmbedder();
const EMBEDDING = { model: embedder.model, dimensions: embedder.dimensions };
afterEach(() => {
  const found = qdrant.violations.splice(0);
  expect(found, "exchanges outside Qdrant's API").toEqual([]);
});
afterAll(() => qdrant.close());

vectorStoreContract(
  "Qdrant (fake, checked against Qdrant's OpenAPI document)",
  () => new QdrantStore({ url: qdrant.url }),
);

describe("QdrantStore against Qdrant's OpenAPI document", () => {
  it("sends a valid batch when hybrid search has only its sparse or only its dense side, at the deepest top_k", async () => {
    const store = new QdrantStore({ url: qdrant.url });
    const tenant = `tenant-${crypto.randomUUID()}`;
    const [volcano = [], none = []] = await embedder.embed(["volcano lava", ""]);
    await store.upsert(tenant, EMBEDDING, [
      {
        id: "doc-1:0",
        document_id: "doc-1",
        document_name: "doc-1.txt",
        chunk_index: 0,
        text: "Volcano lava.",
        page: null,
        heading_path: [],
        agent_ids: [],
        collection_id: null,
        vector: volcano,
      },
    ]);
    const zero = none.map(() => 0);
    expect(
      await store.search(tenant, {
        text: "volcano",
        vector: zero,
        mode: "hybrid",
        top_k: MAX_TOP_K,
      }),
    ).toHaveLength(1);
    expect(
      await store.search(tenant, { text: "", vector: volcano, mode: "hybrid", top_k: MAX_TOP_K }),
    ).toHaveLength(1);
    const batches = qdrant.fake
      .sent("/points/query/batch")
      .slice(-2)
      .map((r) => (r.body as { searches: { using: string; limit: number }[] }).searches);
    expect(batches).toEqual([
      [expect.objectContaining({ using: "text", limit: 400 })],
      [expect.objectContaining({ using: "dense", limit: 400 })],
    ]);
  });

  it("used every operation it needs during the contract suite, each checked", () => {
    expect([...qdrant.operations].sort()).toEqual([
      "collection_exists",
      "count_points",
      "create_collection",
      "create_field_index",
      "delete_points",
      "get_collection",
      "query_batch_points",
      "query_points",
      "scroll_points",
      "set_payload",
      "upsert_points",
    ]);
  });
});
