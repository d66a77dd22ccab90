/**
 * The checker built on Qdrant's OpenAPI document (test/support/qdrant-openapi.ts) and the
 * HTTP fake it guards (spec-checked-qdrant.ts): each must be able to refuse, or the contract
 * suite's clean run against them would prove nothing.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { QdrantSpec } from "../../support/qdrant-openapi.ts";
import type { WireRequest } from "../../support/qdrant-openapi.ts";
import { startSpecCheckedQdrant } from "./spec-checked-qdrant.ts";

const spec = await QdrantSpec.load();
const JSON_HEADERS = { "content-type": "application/json" };
const UUID = "5b0c6a3e-8f5d-4c1e-9a37-0d2b7e6f4a91";
const tenant = { must: [{ key: "tenant_id", match: { value: "tenant-a" } }] };
const search = { query: [0.1, 0.2], using: "dense", filter: tenant, limit: 20, with_payload: true };
const batch = (searches: unknown[]): WireRequest => ({
  method: "POST",
  path: "/collections/nooble_chunks/points/query/batch",
  query: {},
  headers: JSON_HEADERS,
  body: { searches },
});
const sparse = {
  query: { indices: [3, 17], values: [1, 1] },
  using: "text",
  filter: tenant,
  limit: 20,
  with_payload: true,
};

describe("Qdrant's OpenAPI document as a checker", () => {
  it(
    "is, with nullable read as null and undeclared properties refused, still a valid OpenAPI 3.0 document",
    { timeout: 60_000 },
    async () => {
      await expect(QdrantSpec.load({ checkDocument: true })).resolves.toBeInstanceOf(QdrantSpec);
    },
  );

  it("accepts the hybrid batch request QdrantStore sends", () => {
    expect(spec.checkRequest(batch([search, sparse]))).toEqual({
      operationId: "query_batch_points",
      errors: [],
    });
  });

  it("refuses a query body with a misspelt field, a fusion Qdrant lacks, a wrong match key or a non-null filter that is no filter", () => {
    for (const wrong of [
      { ...search, with_paylod: true },
      { ...search, query: { fusion: "weighted" } },
      { ...search, filter: { must: [{ key: "tenant_id", match: { valeu: "tenant-a" } }] } },
      { ...search, filter: "tenant-a" },
    ]) {
      const check = spec.checkRequest(batch([wrong]));
      expect(check.operationId).toBe("query_batch_points");
      expect(check.errors.length, JSON.stringify(wrong)).toBeGreaterThan(0);
    }
    expect(spec.checkRequest(batch([{ ...search, with_paylod: true }])).errors).toContain(
      "/requestBody/searches/0 must NOT have additional properties (with_paylod)",
    );
  });

  it("refuses a sparse vector with string indices and a point id that is neither a UUID nor an integer", () => {
    expect(
      spec.checkRequest(batch([{ ...sparse, query: { indices: ["3"], values: [1] } }])).errors
        .length,
    ).toBeGreaterThan(0);
    const upsert = (id: unknown): WireRequest => ({
      method: "PUT",
      path: "/collections/c/points",
      query: { wait: "true" },
      headers: JSON_HEADERS,
      body: { points: [{ id, vector: { text: { indices: [1], values: [0.5] } }, payload: {} }] },
    });
    expect(spec.checkRequest(upsert(UUID)).errors).toEqual([]);
    expect(spec.checkRequest(upsert("tenant-a/doc-1:0")).errors.length).toBeGreaterThan(0);
  });

  it("refuses a path or method Qdrant does not have, an undeclared query parameter and a mistyped one", () => {
    expect(
      spec.checkRequest({ ...batch([search]), path: "/collections/c/points/search/hybrid" }),
    ).toMatchObject({ operationId: null, errors: [expect.stringContaining("has no operation")] });
    expect(spec.checkRequest({ ...batch([search]), method: "PUT" }).operationId).toBeNull();
    expect(spec.checkRequest({ ...batch([search]), query: { limit: "3" } }).errors).toContain(
      "query parameter limit is not one of the operation's",
    );
    expect(
      spec.checkRequest({ ...batch([search]), query: { timeout: "soon" } }).errors.length,
    ).toBeGreaterThan(0);
  });

  it("accepts Qdrant's answers and refuses one without a point's version or with a string score", () => {
    const point = { id: UUID, version: 1, score: 0.5, payload: { tenant_id: "tenant-a" } };
    expect(
      spec.checkResponse("query_batch_points", 200, {
        result: [{ points: [point] }],
        status: "ok",
        time: 0,
      }),
    ).toEqual([]);
    expect(
      spec.checkResponse("query_points", 404, {
        status: { error: "Not found: Collection `c` doesn't exist!" },
        time: 0,
      }),
    ).toEqual([]);
    expect(
      spec.checkResponse("query_batch_points", 200, {
        result: [{ points: [{ id: UUID, score: 0.5 }] }],
        status: "ok",
        time: 0,
      }),
    ).toContain("/result/0/points/0 must have required property 'version'");
    expect(
      spec.checkResponse("query_points", 200, {
        result: { points: [{ ...point, score: "0.5" }] },
        status: "ok",
        time: 0,
      }),
    ).toContain("/result/points/0/score must be number");
  });

  it("refuses a collection description without the fields Qdrant always sends", () => {
    const partial = {
      result: { status: "green", points_count: 1, config: { params: {} }, payload_schema: {} },
      status: "ok",
      time: 0,
    };
    expect(spec.checkResponse("get_collection", 200, partial)).toEqual(
      expect.arrayContaining([
        "/result must have required property 'optimizer_status'",
        "/result/config must have required property 'hnsw_config'",
      ]),
    );
  });
});

describe("the spec-checked fake Qdrant over HTTP", async () => {
  const qdrant = await startSpecCheckedQdrant(spec);
  afterAll(() => qdrant.close());

  it("answers a request outside Qdrant's API with 400 in Qdrant's error shape and records it", async () => {
    const res = await fetch(`${qdrant.url}/collections/c/points/query`, {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ ...search, with_paylod: true }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      status: { error: expect.stringContaining("with_paylod") },
    });
    expect(qdrant.violations.splice(0)).toEqual([
      expect.stringContaining("request POST /collections/c/points/query"),
    ]);
  });

  it("records an answer of the fake that Qdrant's document does not allow", async () => {
    vi.spyOn(qdrant.fake, "fetch").mockResolvedValueOnce(
      Response.json({ result: { points: [{ id: "x", score: 1 }] }, status: "ok", time: 0 }),
    );
    const res = await fetch(`${qdrant.url}/collections/c/points/query`, {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify(search),
    });
    expect(res.status).toBe(200);
    expect(qdrant.violations.splice(0)).toEqual([
      expect.stringContaining("answer 200 to POST /collections/c/points/query (query_points)"),
    ]);
  });
});
