/**
 * The VectorStore contract against QdrantStore: always against the in-memory fake Qdrant
 * (fake-qdrant.ts, through a stubbed global fetch), and against a real server when the
 * Worker has a QDRANT_URL binding (e.g. in .dev.vars). test/node/knowledge runs the same
 * suite from Node: against the fake over HTTP with every exchange checked against Qdrant's
 * OpenAPI document (Ajv cannot run in workerd), and with QDRANT_URL taken from the shell.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, vi } from "vitest";
import { z } from "zod";
import { QdrantStore } from "../../../workers/knowledge/qdrant-store.ts";
import { FakeQdrant } from "./fake-qdrant.ts";
import { vectorStoreContract } from "./vector-store-contract.ts";

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

vectorStoreContract("Qdrant (in-memory fake)", () => new QdrantStore({ url: fake.origin }));

const real = z
  .object({ QDRANT_URL: z.string().optional(), QDRANT_API_KEY: z.string().optional() })
  .parse(env);
if (real.QDRANT_URL) {
  const url = real.QDRANT_URL;
  vectorStoreContract(
    "Qdrant (real server)",
    () =>
      new QdrantStore({
        url,
        apiKey: real.QDRANT_API_KEY,
        collection: `nooble_test_${crypto.randomUUID().slice(0, 8)}`,
      }),
  );
}
