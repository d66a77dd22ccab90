/**
 * The OpenAI embedder at the wire: requests split within the API's limits, vectors put back
 * in input order, and rate limits and server errors retried with backoff.
 */
import { describe, expect, it } from "vitest";
import { createOpenAIEmbedder, truncateToEstimate } from "../../../workers/embeddings/openai.ts";
import { estimateTokens } from "../../../workers/ingestion/tokens.ts";
import { LLMError } from "../../../workers/llm/types.ts";

interface EmbeddingRequest {
  model: string;
  input: string[];
  encoding_format?: string;
  dimensions?: number;
}

/** A fake /v1/embeddings: vector i of a request is [length of input i, 0, 0, ...], base64 as the SDK asks. */
function fakeApi(failures: { status: number; headers?: Record<string, string> }[] = []) {
  const requests: EmbeddingRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    expect(new URL(req.url).pathname).toBe("/v1/embeddings");
    expect(req.headers.get("authorization")).toBe("Bearer sk-test-key");
    const body = (await req.json()) as EmbeddingRequest;
    requests.push(body);
    const failure = failures.shift();
    if (failure)
      return Response.json(
        { error: { message: "slow down", type: "rate_limit" } },
        { status: failure.status, headers: failure.headers },
      );
    const dims = body.dimensions ?? 1536;
    const data = body.input.map((text, index) => {
      const v = new Float32Array(dims);
      v[0] = text.length;
      const embedding =
        body.encoding_format === "base64"
          ? btoa(String.fromCharCode(...new Uint8Array(v.buffer)))
          : Array.from(v);
      return { object: "embedding", index, embedding };
    });
    // The API may answer in any order; the embedder must sort by index.
    return Response.json({
      object: "list",
      model: body.model,
      data: data.reverse(),
      usage: { prompt_tokens: 1, total_tokens: 1 },
    });
  };
  return { requests, fetch };
}

const noWait = { sleep: async () => {}, random: () => 0 };

describe("the OpenAI embedder", () => {
  it("sends at most the input limit per request and returns vectors in input order", async () => {
    const api = fakeApi();
    const embedder = createOpenAIEmbedder({
      apiKey: "sk-test-key",
      fetch: api.fetch,
      limits: { maxInputsPerRequest: 3 },
      retry: noWait,
    });
    const texts = Array.from({ length: 8 }, (_, i) => "x".repeat(i + 1));
    const vectors = await embedder.embed(texts);
    expect(api.requests.map((r) => r.input.length)).toEqual([3, 3, 2]);
    expect(api.requests.every((r) => r.model === "text-embedding-3-small")).toBe(true);
    expect(vectors.map((v) => v[0])).toEqual(texts.map((t) => t.length));
    expect(vectors.every((v) => v.length === 1536)).toBe(true);
  });

  it("starts a new request before the estimated tokens of one would pass the budget", async () => {
    const api = fakeApi();
    const embedder = createOpenAIEmbedder({
      apiKey: "sk-test-key",
      fetch: api.fetch,
      limits: { maxEstimatedTokensPerRequest: 100 },
      retry: noWait,
    });
    const paragraph = "Glaciers carve valleys over thousands of years. ".repeat(5);
    const cost = estimateTokens(paragraph);
    await embedder.embed(Array.from({ length: 10 }, () => paragraph));
    const perRequest = Math.floor(100 / cost);
    expect(api.requests.map((r) => r.input.length)).toEqual(
      Array.from({ length: Math.ceil(10 / perRequest) }, (_, i) =>
        Math.min(perRequest, 10 - i * perRequest),
      ),
    );
    for (const r of api.requests)
      expect(r.input.reduce((s, t) => s + estimateTokens(t), 0)).toBeLessThanOrEqual(100);
  });

  it("cuts an input longer than the per-input limit and never sends an empty one", async () => {
    const api = fakeApi();
    const embedder = createOpenAIEmbedder({
      apiKey: "sk-test-key",
      fetch: api.fetch,
      limits: { maxEstimatedTokensPerInput: 50 },
      retry: noWait,
    });
    const long = "word ".repeat(2000);
    await embedder.embed([long, ""]);
    const [sentLong, sentEmpty] = api.requests[0]?.input ?? [];
    expect(estimateTokens(sentLong ?? "")).toBeLessThanOrEqual(50);
    expect(long.startsWith(sentLong ?? "-")).toBe(true);
    expect(sentEmpty).toBe(" ");
    expect(truncateToEstimate("short", 50)).toBe("short");
  });

  it("retries a 429 and a 503, then succeeds", async () => {
    const api = fakeApi([{ status: 429, headers: { "retry-after-ms": "10" } }, { status: 503 }]);
    const waits: number[] = [];
    const embedder = createOpenAIEmbedder({
      apiKey: "sk-test-key",
      fetch: api.fetch,
      retry: { sleep: async (ms) => void waits.push(ms), random: () => 0 },
    });
    const vectors = await embedder.embed(["hello"]);
    expect(api.requests).toHaveLength(3);
    expect(waits).toEqual([10, 500]);
    expect(vectors[0]?.[0]).toBe(5);
  });

  it("gives up after the attempts run out with a rate-limit error that names no key", async () => {
    const api = fakeApi([{ status: 429 }, { status: 429 }, { status: 429 }]);
    const embedder = createOpenAIEmbedder({
      apiKey: "sk-test-key",
      fetch: api.fetch,
      retry: noWait,
    });
    const err = await embedder.embed(["hello"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LLMError);
    expect(err).toMatchObject({ kind: "rate_limited", status: 429 });
    expect(String((err as Error).message)).not.toContain("sk-test-key");
    expect(api.requests).toHaveLength(3);
  });

  it("does not retry a request the API rejects", async () => {
    const api = fakeApi([{ status: 400 }]);
    const embedder = createOpenAIEmbedder({
      apiKey: "sk-test-key",
      fetch: api.fetch,
      retry: noWait,
    });
    await expect(embedder.embed(["hello"])).rejects.toMatchObject({
      kind: "rejected",
      status: 400,
    });
    expect(api.requests).toHaveLength(1);
  });
});
