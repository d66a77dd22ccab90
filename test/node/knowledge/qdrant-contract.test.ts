/**
 * The VectorStore contract against a real Qdrant, from Node, when QDRANT_URL is set in the
 * shell (`QDRANT_URL=http://127.0.0.1:6333 npx vitest run --config test/node/vitest.config.ts
 * knowledge`). Each run uses its own collection. Without QDRANT_URL the suite is skipped;
 * the fake-server and wire-level suites in test/worker/knowledge always run.
 */
import { describe, it } from "vitest";
import { QdrantStore } from "../../../workers/knowledge/qdrant-store.ts";
import { vectorStoreContract } from "../../worker/knowledge/vector-store-contract.ts";

const url = process.env.QDRANT_URL;
if (url) {
  vectorStoreContract(
    "Qdrant (real server, from Node)",
    () =>
      new QdrantStore({
        url,
        apiKey: process.env.QDRANT_API_KEY,
        collection: `nooble_test_${Date.now().toString(36)}`,
      }),
  );
} else {
  describe("Qdrant (real server, from Node)", () => {
    it.skip("runs only when QDRANT_URL is set", () => {});
  });
}
