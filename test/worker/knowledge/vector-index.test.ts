/**
 * The KnowledgeBase's in-memory vector index against its exact fallback: the int8 matrix
 * (with exact re-scoring) must rank as the Float32 vectors streamed from SQLite do, and the
 * isolate-wide memory budget must drop the least recently used index first.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { KnowledgeBaseSql } from "../../../durable-objects/knowledge-base/knowledge-base.sql.ts";
import {
  MemoryBudget,
  VectorIndex,
} from "../../../durable-objects/knowledge-base/knowledge-base.search.ts";
import { createLexicalEmbedder } from "../../../workers/embeddings/lexical.ts";
import { scifact } from "./retrieval-fixtures.ts";

const embedder = createLexicalEmbedder();

describe("the vector index", () => {
  it("ranks with its int8 matrix exactly as with the Float32 vectors streamed from SQLite", async () => {
    const docs = scifact.corpus().slice(0, 300);
    const vectors = await embedder.embed(docs.map((d) => `${d.title}\n${d.text}`));
    const queries = scifact.queries().slice(0, 30);
    const queryVectors = await embedder.embed(queries);
    const stub = env.KNOWLEDGE_BASE.get(
      env.KNOWLEDGE_BASE.idFromName(`index-${crypto.randomUUID()}`),
    );
    await runInDurableObject(stub, (_instance, state) => {
      const store = new KnowledgeBaseSql(state.storage.sql);
      docs.forEach((d, i) =>
        store.upsertChunk({
          id: d.id,
          document_id: d.id,
          document_name: d.title,
          chunk_index: 0,
          text: d.text,
          page: null,
          heading_path: [],
          agent_ids: [],
          collection_id: i % 2 ? "odd" : null,
          vector: Float32Array.from(vectors[i] ?? []),
        }),
      );
      const resident = VectorIndex.build(
        store,
        embedder.dimensions,
        store.chunkCount(),
        () => true,
      );
      const streamed = VectorIndex.build(
        store,
        embedder.dimensions,
        store.chunkCount(),
        () => false,
      );
      expect(resident.resident).toBe(true);
      expect(streamed.resident).toBe(false);
      expect(resident.bytes).toBeGreaterThan(300 * embedder.dimensions);
      for (const q of queryVectors) {
        const a = resident.search(store, q, 10, null);
        const b = streamed.search(store, q, 10, null);
        expect(a.map((h) => h.seq)).toEqual(b.map((h) => h.seq));
        a.forEach((h, i) => expect(h.score).toBeCloseTo(b[i]?.score ?? NaN, 9));
        expect(a.length).toBeGreaterThan(0);
        const odd = resident.search(
          store,
          q,
          10,
          resident.rowFilter((_doc, coll) => coll === "odd"),
        );
        expect(odd.map((h) => h.seq)).toEqual(
          streamed
            .search(
              store,
              q,
              10,
              streamed.rowFilter((_doc, coll) => coll === "odd"),
            )
            .map((h) => h.seq),
        );
      }
    });
  });
});

describe("the isolate's memory budget", () => {
  it("drops the least recently used other index to make room, and refuses what can never fit", () => {
    const budget = new MemoryBudget(100);
    const dropped: string[] = [];
    const a = {};
    const b = {};
    const c = {};
    expect(budget.reserve(a, 40, () => dropped.push("a"))).toBe(true);
    expect(budget.reserve(b, 40, () => dropped.push("b"))).toBe(true);
    budget.touch(a);
    expect(budget.reserve(c, 50, () => dropped.push("c"))).toBe(true);
    expect(dropped).toEqual(["b"]);
    expect(budget.used).toBe(90);
    expect(budget.reserve({}, 101, () => dropped.push("x"))).toBe(false);
    expect(dropped).toEqual(["b"]);
    budget.release(a);
    expect(budget.used).toBe(50);
  });
});
