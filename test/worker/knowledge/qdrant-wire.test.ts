/**
 * What QdrantStore sends over the wire, read from the requests recorded by the fake Qdrant
 * behind a stubbed global fetch: the collection layout, point ids and shapes, the tenant
 * must-filter on every read and write, and hybrid search as one batch of a dense and a sparse
 * query whose lists the store fuses itself (qdrant-hits.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLexicalEmbedder } from "../../../workers/embeddings/lexical.ts";
import { AppError } from "../../../workers/errors.ts";
import { QdrantStore, pointId } from "../../../workers/knowledge/qdrant-store.ts";
import type { ChunkRecord } from "../../../workers/knowledge/vector-store.ts";
import { FakeQdrant } from "./fake-qdrant.ts";
import type { RecordedRequest } from "./fake-qdrant.ts";

const embedder = createLexicalEmbedder();
const EMBEDDING = { model: embedder.model, dimensions: embedder.dimensions };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let fake: FakeQdrant;
let store: QdrantStore;
beforeEach(() => {
  fake = new FakeQdrant();
  store = new QdrantStore({ url: fake.origin });
  vi.spyOn(globalThis, "fetch").mockImplementation(fake.fetch);
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function chunk(
  doc: string,
  index: number,
  text: string,
  agents = ["agent-1"],
): Promise<ChunkRecord> {
  const [vector] = await embedder.embed([text]);
  return {
    id: `${doc}:${index}`,
    document_id: doc,
    document_name: `${doc}.pdf`,
    chunk_index: index,
    text,
    page: 3,
    heading_path: ["Intro"],
    agent_ids: agents,
    collection_id: "col-1",
    vector: vector ?? [],
  };
}

const tenantMust = (r: RecordedRequest, tenantId: string) =>
  expect(r.body, `${r.method} ${r.path}`).toMatchObject({
    filter: { must: expect.arrayContaining([{ key: "tenant_id", match: { value: tenantId } }]) },
  });

describe("QdrantStore on the wire", () => {
  it("creates one collection with a named cosine dense vector, an IDF sparse vector and keyword payload indexes", async () => {
    await store.upsert("tenant-a", EMBEDDING, [await chunk("doc-1", 0, "Glaciers carve valleys.")]);
    const [create] = fake.sent("/collections/nooble_chunks", "PUT");
    expect(create?.body).toEqual({
      vectors: { dense: { size: 2048, distance: "Cosine" } },
      sparse_vectors: { text: { modifier: "idf" } },
    });
    const indexes = fake.sent("/index", "PUT").map((r) => r.body);
    expect(indexes).toEqual([
      { field_name: "tenant_id", field_schema: { type: "keyword", is_tenant: true } },
      { field_name: "agent_ids", field_schema: "keyword" },
      { field_name: "document_id", field_schema: "keyword" },
      { field_name: "collection_id", field_schema: "keyword" },
    ]);
    await store.upsert("tenant-b", EMBEDDING, [await chunk("doc-2", 0, "Deserts are dry.")]);
    expect(fake.sent("/collections/nooble_chunks", "PUT")).toHaveLength(1);
  });

  it("upserts points with deterministic UUIDs per tenant and chunk, both vectors and the full payload", async () => {
    const c = await chunk("doc-1", 0, "Glaciers carve valleys and glaciers melt.");
    await store.upsert("tenant-a", EMBEDDING, [c]);
    await store.upsert("tenant-a", EMBEDDING, [c]);
    const bodies = fake.sent("/points", "PUT").map(
      (r) =>
        r.body as {
          points: {
            id: string;
            vector: { dense: number[]; text: { indices: number[]; values: number[] } };
            payload: unknown;
          }[];
        },
    );
    const [first, second] = bodies.map((b) => b.points[0]);
    expect(first?.id).toMatch(UUID);
    expect(second?.id).toBe(first?.id);
    expect(first?.id).toBe(await pointId("tenant-a", "doc-1:0"));
    expect(await pointId("tenant-b", "doc-1:0")).not.toBe(first?.id);
    expect(first?.vector.dense).toEqual(c.vector);
    const sparse = first?.vector.text;
    expect(sparse?.indices.length).toBe(sparse?.values.length);
    expect([...(sparse?.indices ?? [])].sort((a, b) => a - b)).toEqual(sparse?.indices);
    expect(sparse?.values.every((v) => v > 0)).toBe(true);
    expect(first?.payload).toEqual({
      tenant_id: "tenant-a",
      chunk_id: "doc-1:0",
      document_id: "doc-1",
      document_name: "doc-1.pdf",
      chunk_index: 0,
      text: c.text,
      page: 3,
      heading_path: ["Intro"],
      agent_ids: ["agent-1"],
      collection_id: "col-1",
      embedding_model: EMBEDDING.model,
    });
    expect(fake.sent("/points", "PUT")[0]?.query.get("wait")).toBe("true");
  });

  it("puts the tenant must-filter on every search, count, scroll, delete and payload update", async () => {
    await store.upsert("tenant-a", EMBEDDING, [await chunk("doc-1", 0, "Glaciers carve valleys.")]);
    const [vector] = await embedder.embed(["glacier"]);
    for (const mode of ["dense", "fulltext", "hybrid"] as const) {
      await store.search("tenant-a", {
        text: "glacier",
        vector,
        mode,
        top_k: 3,
        agent_id: "agent-1",
        document_ids: ["doc-1"],
        collection_id: "col-1",
      });
    }
    await store.setDocumentAgents("tenant-a", "doc-1", ["agent-2"]);
    await store.countDocumentChunks("tenant-a", "doc-1");
    await store.collectionInfo("tenant-a");
    await store.deleteDocument("tenant-a", "doc-1");
    const reads = fake.requests.filter((r) =>
      /\/points\/(query|count|scroll|delete|payload)$/.test(r.path),
    );
    expect(new Set(reads.map((r) => r.path.split("/").pop()))).toEqual(
      new Set(["query", "count", "scroll", "delete", "payload"]),
    );
    for (const r of reads) tenantMust(r, "tenant-a");
    const [batch] = fake.sent("/points/query/batch");
    const searches = (batch?.body as { searches: unknown[] }).searches;
    expect(searches).toHaveLength(2);
    for (const body of searches)
      tenantMust(
        { method: "POST", path: "batch search", query: new URLSearchParams(), body },
        "tenant-a",
      );
    const [dense] = fake.sent("/points/query");
    expect(dense?.body).toMatchObject({
      using: "dense",
      limit: 3,
      with_payload: true,
      filter: {
        must: [
          { key: "tenant_id", match: { value: "tenant-a" } },
          { key: "agent_ids", match: { value: "agent-1" } },
          { key: "document_id", match: { any: ["doc-1"] } },
          { key: "collection_id", match: { value: "col-1" } },
        ],
      },
    });
    expect(fake.sent("/points/payload")[0]?.body).toMatchObject({
      payload: { agent_ids: ["agent-2"] },
      filter: {
        must: [
          { key: "tenant_id", match: { value: "tenant-a" } },
          { key: "document_id", match: { any: ["doc-1"] } },
        ],
      },
    });
  });

  it("runs hybrid search as one batch of a dense and a sparse query, each tenant-filtered and four times as deep", async () => {
    await store.upsert("tenant-a", EMBEDDING, [await chunk("doc-1", 0, "Glaciers carve valleys.")]);
    const [vector] = await embedder.embed(["glacier valleys"]);
    await store.search("tenant-a", { text: "glacier valleys", vector, mode: "hybrid", top_k: 5 });
    expect(fake.sent("/points/query")).toHaveLength(0);
    const [batch, ...more] = fake.sent("/points/query/batch", "POST");
    expect(more).toHaveLength(0);
    const { searches } = batch?.body as {
      searches: { using: string; limit: number; query: unknown; with_payload: boolean }[];
    };
    expect(searches.map((q) => [q.using, q.limit, q.with_payload])).toEqual([
      ["dense", 20, true],
      ["text", 20, true],
    ]);
    expect(searches[0]?.query).toEqual(vector);
    expect(searches[1]?.query).toMatchObject({ indices: expect.any(Array), values: [1, 1] });
    for (const body of searches)
      tenantMust(
        { method: "POST", path: "batch search", query: new URLSearchParams(), body },
        "tenant-a",
      );
  });

  it("maps answer points to hits and drops any whose payload is malformed or another tenant's", async () => {
    await store.upsert("tenant-a", EMBEDDING, [await chunk("doc-1", 0, "Glaciers carve valleys.")]);
    const good = {
      tenant_id: "tenant-a",
      chunk_id: "doc-1:0",
      document_id: "doc-1",
      document_name: "doc-1.pdf",
      chunk_index: 0,
      text: "Glaciers carve valleys.",
      page: null,
      heading_path: [],
      embedding_model: "m",
    };
    vi.mocked(globalThis.fetch).mockImplementationOnce(async () =>
      Response.json({
        status: "ok",
        time: 0,
        result: {
          points: [
            { id: "a", version: 1, score: 0.9, payload: good },
            {
              id: "b",
              version: 1,
              score: 0.8,
              payload: { ...good, tenant_id: "tenant-b", chunk_id: "x" },
            },
            { id: "c", version: 1, score: 0.7, payload: { text: "no fields" } },
          ],
        },
      }),
    );
    const [vector] = await embedder.embed(["glacier"]);
    const hits = await store.search("tenant-a", {
      text: "glacier",
      vector,
      mode: "dense",
      top_k: 3,
    });
    expect(hits).toEqual([
      {
        chunk_id: "doc-1:0",
        document_id: "doc-1",
        document_name: "doc-1.pdf",
        chunk_index: 0,
        text: "Glaciers carve valleys.",
        page: null,
        heading_path: [],
        score: 0.9,
        dense_score: 0.9,
      },
    ]);
  });

  it("refuses vectors whose size differs from an existing collection's with EMBEDDING_MISMATCH, writing nothing", async () => {
    await fake.fetch(`${fake.origin}/collections/nooble_chunks`, {
      method: "PUT",
      body: JSON.stringify({
        vectors: { dense: { size: 1536, distance: "Cosine" } },
        sparse_vectors: { text: { modifier: "idf" } },
      }),
    });
    const err = await store
      .upsert("tenant-a", EMBEDDING, [await chunk("doc-1", 0, "Glaciers carve valleys.")])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "EMBEDDING_MISMATCH", status: 409 });
    expect(fake.sent("/collections/nooble_chunks", "GET")).toHaveLength(1);
    expect(fake.sent("/points", "PUT")).toHaveLength(0);
  });

  it("sends no zero dense vector: such a point has only its sparse vector, such a query only its sparse side", async () => {
    await store.upsert("tenant-a", EMBEDDING, [await chunk("doc-1", 0, "the of and")]);
    const point = (
      fake.sent("/points", "PUT")[0]?.body as { points: { vector: Record<string, unknown> }[] }
    ).points[0];
    expect(Object.keys(point?.vector ?? {})).toEqual(["text"]);
    const zero = new Array<number>(EMBEDDING.dimensions).fill(0);
    expect(
      await store.search("tenant-a", { text: "the of", vector: zero, mode: "dense", top_k: 3 }),
    ).toEqual([]);
    await store.search("tenant-a", { text: "glacier", vector: zero, mode: "hybrid", top_k: 3 });
    const body = fake.sent("/points/query/batch").at(-1)?.body as { searches: { using: string }[] };
    expect(body.searches.map((q) => q.using)).toEqual(["text"]);
  });

  it("answers reads of a collection that does not exist yet as empty", async () => {
    const [vector] = await embedder.embed(["glacier"]);
    expect(
      await store.search("tenant-a", { text: "glacier", vector, mode: "hybrid", top_k: 3 }),
    ).toEqual([]);
    expect(await store.countDocumentChunks("tenant-a", "doc-1")).toBe(0);
    expect(await store.deleteDocument("tenant-a", "doc-1")).toEqual({ deleted: 0 });
    expect(await store.collectionInfo("tenant-a")).toBeNull();
  });
});
