/**
 * The VectorStore contract against QdrantStore talking over HTTP to the fake Qdrant, with
 * every request and every answer checked against Qdrant's own OpenAPI document (v1.19.0, in
 * ../shared/eval/qdrant-openapi): the adapter sends only what Qdrant's API accepts, and the
 * fake answers only what Qdrant's API can answer.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { QdrantStore } from "../../../workers/knowledge/qdrant-store.ts";
import { QdrantSpec } from "../../support/qdrant-openapi.ts";
import { vectorStoreContract } from "../../worker/knowledge/vector-store-contract.ts";
import { startSpecCheckedQdrant } from "./spec-checked-qdrant.ts";

const qdrant = await startSpecCheckedQdrant(await QdrantSpec.load());
afterEach(() => {
  const found = qdrant.violations.splice(0);
  expect(found, "exchanges outside Qdrant's API").toEqual([]);
});
afterAll(() => qdrant.close());

vectorStoreContract("Qdrant (fake, checked against Qdrant's OpenAPI document)", () => new QdrantStore({ url: qdrant.url }));

describe("QdrantStore against Qdrant's OpenAPI document", () => {
  it("used every operation it needs during the contract suite, each checked", () => {
    expect([...qdrant.operations].sort()).toEqual(["collection_exists", "count_points", "create_collection", "create_field_index", "delete_points", "get_collection", "query_batch_points", "query_points", "scroll_points", "set_payload", "upsert_points"]);
  });
});
